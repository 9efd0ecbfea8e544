public import EmbeddingCache
public import Foundation

/// Turns `embed --lines FILE|-` into inputs: each line of the file (or stdin) is one UTF-8 text.
///
/// Lines end at `\n`; a trailing `\r` is stripped (CRLF files key like LF files); a final newline
/// does not start another line; empty lines are kept (as empty texts) so that output rows stay
/// aligned with the file's lines. Each input is labelled `line N`, counting from 1.
///
/// ```swift
/// let inputs = try LineInputs.inputs(from: "prompts.txt")
/// ```
public enum LineInputs {
    /// The inputs of `source`, a file path or `-` for stdin.
    ///
    /// - Parameter source: A file path, or `-` for standard input.
    /// - Returns: One text input per line.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` when the file cannot be read,
    ///   ``EmbeddingCacheError/Code/invalidInput`` naming the first line that is not UTF-8.
    public static func inputs(from source: String) throws -> [EmbeddingInput] {
        let data: Data
        if source == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: source))
            } catch {
                throw EmbeddingCacheError(.inputUnreadable, "cannot read --lines '\(source)'", underlying: error)
            }
        }
        return try inputs(in: data, source: source)
    }

    /// The inputs of a file's bytes.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file's name, for error messages.
    /// - Returns: One text input per line.
    /// - Throws: ``EmbeddingCacheError/Code/invalidInput`` naming the first line that is not UTF-8.
    public static func inputs(in data: Data, source: String) throws -> [EmbeddingInput] {
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if data.last == 0x0A || data.isEmpty { lines.removeLast() }
        return try lines.enumerated().map { index, line in
            let label = "line \(index + 1)"
            let content = line.last == 0x0D ? line.dropLast() : line
            guard let text = String(data: Data(content), encoding: .utf8) else {
                throw EmbeddingCacheError(.invalidInput, "\(label) of --lines '\(source)' is not valid UTF-8")
            }
            return EmbeddingInput.text(text, label: label)
        }
    }
}
