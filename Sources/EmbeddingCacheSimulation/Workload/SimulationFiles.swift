import EmbeddingCache
import Foundation

/// Writes, moves and creates the files of a simulation, with errors that name the path.
enum SimulationFiles {
    /// Writes `data` to `path`, creating its folder.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming the path when it cannot be
    ///   written (the folder is read-only, the disk is full).
    static func write(_ data: Data, to path: String) throws(EmbeddingCacheError) {
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try data.write(to: url)
        } catch {
            throw EmbeddingCacheError(.invalidArgument, "cannot write '\(path)'", input: path, underlying: error)
        }
    }

    /// Moves the file at `source` to `destination`.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming both paths.
    static func move(_ source: String, to destination: String) throws(EmbeddingCacheError) {
        do {
            try FileManager.default.moveItem(atPath: source, toPath: destination)
        } catch {
            throw EmbeddingCacheError(
                .invalidArgument,
                "cannot move '\(source)' to '\(destination)'",
                input: source,
                underlying: error
            )
        }
    }

    /// Creates the folder at `path` and the folders above it.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming the folder.
    static func createFolder(_ path: String) throws(EmbeddingCacheError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EmbeddingCacheError(
                .invalidArgument,
                "cannot create folder '\(path)'",
                input: path,
                underlying: error
            )
        }
    }
}
