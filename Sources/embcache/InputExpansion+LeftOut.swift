import EmbeddingCacheDatasets

extension InputExpansion {
    /// The files `paths` name whose names are UTF-8; the others are named on standard error as
    /// left out.
    ///
    /// - Throws: What ``InputExpansion/files(for:)`` throws.
    static func filesNamingLeftOut(for paths: [String]) throws -> [String] {
        let (files, leftOut) = try files(for: paths)
        for name in leftOut { StandardError.print("embcache: left out '\(name)': its name is not valid UTF-8") }
        return files
    }
}
