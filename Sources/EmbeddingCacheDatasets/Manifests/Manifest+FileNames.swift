public import EmbeddingCache
import Foundation

extension Manifest {
    /// Refuses ids that cannot each name their own file: an id holding NUL (a file name ends at
    /// NUL, so the sample would be written under a shorter name), and, when every sample is its
    /// own `<id>.safetensors`, two ids equal after case folding (on a case-insensitive file system,
    /// such as macOS's default, one file would replace the other).
    ///
    /// ```swift
    /// try manifest.checkIDsNameDistinctFiles(perSample: true)
    /// ```
    ///
    /// - Parameter perSample: Whether each sample is written to a file named after its id.
    /// - Throws: ``EmbeddingCacheError`` `.invalidInput` naming the id, or the two colliding ids.
    public func checkIDsNameDistinctFiles(perSample: Bool) throws(EmbeddingCacheError) {
        if let id = samples.first(where: { $0.id.contains("\0") })?.id {
            throw EmbeddingCacheError(
                .invalidInput,
                "the manifest's id '\(id.replacingOccurrences(of: "\0", with: "\\0"))' holds a NUL character",
                input: id
            )
        }
        guard perSample else { return }
        var folded = [String: String]()
        for sample in samples {
            let key = sample.id.folding(options: [.caseInsensitive], locale: nil)
            if let other = folded.updateValue(sample.id, forKey: key) {
                throw EmbeddingCacheError(
                    .invalidInput,
                    "the manifest's ids '\(other)' and '\(sample.id)' differ only in case; their files would be one file "
                        + "on a case-insensitive file system (use --shard-size, or rename one)",
                    input: sample.id
                )
            }
        }
    }
}
