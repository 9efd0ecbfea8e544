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
        try inputs(in: read(source, option: "--lines"), source: source)
    }

    /// The bytes of `source`, a file path or `-` for stdin.
    ///
    /// - Parameters:
    ///   - source: A file path, or `-` for standard input.
    ///   - option: The option that named it, for error messages.
    /// - Returns: The bytes.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` when the file cannot be read.
    static func read(_ source: String, option: String) throws -> Data {
        guard source != "-" else { return FileHandle.standardInput.readDataToEndOfFile() }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: source))
        } catch {
            throw EmbeddingCacheError(.inputUnreadable, "cannot read \(option) '\(source)'", underlying: error)
        }
    }

    /// The lines of `data`, split at `\n`, a trailing `\r` stripped, without the empty line after
    /// a final newline.
    static func lines(of data: Data) -> [Data] {
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if data.last == 0x0A || data.isEmpty { lines.removeLast() }
        return lines.map { line in Data(line.last == 0x0D ? line.dropLast() : line) }
    }

    /// The inputs of a file's bytes.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file's name, for error messages.
    /// - Returns: One text input per line.
    /// - Throws: ``EmbeddingCacheError/Code/invalidInput`` naming the first line that is not UTF-8.
    public static func inputs(in data: Data, source: String) throws -> [EmbeddingInput] {
        try lines(of: data).enumerated().map { index, line in try input(line, number: index + 1, source: source) }
    }

    /// The input of one line: its text, labelled `line N`.
    ///
    /// - Parameters:
    ///   - line: The line's bytes, without its line break.
    ///   - number: Its line number, from 1.
    ///   - source: The file named in errors.
    /// - Returns: The input.
    /// - Throws: ``EmbeddingCacheError`` `.invalidInput` naming the line when it is not UTF-8.
    public static func input(_ line: Data, number: Int, source: String) throws -> EmbeddingInput {
        let label = "line \(number)"
        guard let text = String(data: line, encoding: .utf8) else {
            throw EmbeddingCacheError(.invalidInput, "\(label) of --lines '\(source)' is not valid UTF-8")
        }
        return EmbeddingInput.text(text, label: label)
    }
}
