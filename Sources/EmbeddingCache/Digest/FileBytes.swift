import FoundationEssentials

/// Reads whole files for digesting and encoding, with errors that name the file.
enum FileBytes {
    /// Reads the file at `path` into memory.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming the path.
    static func read(_ path: String) throws(EmbeddingCacheError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw EmbeddingCacheError(.inputUnreadable, "cannot read '\(path)'", input: path, underlying: error)
        }
    }
}
