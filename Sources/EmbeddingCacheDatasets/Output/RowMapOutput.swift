public import EmbeddingCache
import Foundation

/// `FILE.ids.jsonl` beside an `--output FILE`: which input each row of the output holds.
///
/// One JSON object per row, in row order: `row` (from 0), `id` (the input's path, or its id under
/// `--jsonl`, or `line N`), `digest` (the hex SHA-256 key it was looked up under; `null` for an
/// input that could not be read, and under `--no-cache`), and `hit` (whether its record came from
/// the cache). Written beside the output and moved into place with it.
///
/// ```swift
/// let map = try RowMapOutput(outputPath: "vectors.npy")   // writes vectors.npy.ids.jsonl
/// ```
public final class RowMapOutput {
    private let file: OutputFile
    /// Encodes each `id` as a JSON string (quotes, escapes); slashes in paths are left as they are.
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
    private var row = 0
    /// Lines not written yet: written a megabyte at a time, not a system call per row.
    private var pending = Data()

    /// The row map's path for the output at `outputPath`.
    ///
    /// - Parameter outputPath: The `--output` file.
    /// - Returns: `outputPath` followed by `.ids.jsonl`.
    public static func path(for outputPath: String) -> String { outputPath + ".ids.jsonl" }

    /// Creates the row map of the output at `outputPath`.
    ///
    /// - Parameter outputPath: The `--output` file.
    /// - Throws: ``OutputError`` when the file cannot be created.
    public init(outputPath: String) throws {
        file = try OutputFile(path: Self.path(for: outputPath))
        encoder.outputFormatting = [.withoutEscapingSlashes]
    }

    /// Appends the next row.
    ///
    /// - Parameters:
    ///   - id: The input's name: its path, its id or its line.
    ///   - digest: The key's content digest, if the input was digested.
    ///   - hit: Whether its record came from the cache.
    /// - Throws: ``OutputError`` when the file cannot be written.
    public func append(id: String, digest: ContentDigest?, hit: Bool) throws {
        defer { row += 1 }
        // Written key by key, so every line has the documented order (`row`, `id`, `digest`, `hit`)
        // and a run's map is byte for byte the same as the next run's.
        pending.append(contentsOf: Array("{\"row\":\(row),\"id\":".utf8))
        pending.append(try encoder.encode(id))
        pending.append(contentsOf: Array(",\"digest\":\(digest.map { "\"\($0)\"" } ?? "null"),\"hit\":\(hit)}\n".utf8))
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Writes the last lines and moves the file into place.
    ///
    /// - Throws: ``OutputError`` when the file cannot be completed.
    public func finish() throws {
        try flush()
        try file.commit()
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try file.write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Deletes the incomplete file.
    public func discard() { file.discard() }
}
