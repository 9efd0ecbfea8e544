public import EmbeddingCache
public import Foundation

/// Turns `embed --jsonl FILE|- --text-field NAME [--id-field NAME]` into inputs: each JSON object
/// of the file (or stdin) is one UTF-8 text, its `NAME` field, so a text may hold newlines.
///
/// Lines end at `\n` (a trailing `\r` is stripped); blank lines are skipped. Each input is
/// labelled by its id field (a string or an integer) when one is named, else `line N`, counting from
/// 1. A line that is not a JSON object, or lacks a string text field, is an error naming the line.
///
/// ```swift
/// let inputs = try JSONLInputs.inputs(from: "chunks.jsonl", textField: "text", idField: "id")
/// ```
public enum JSONLInputs {
    /// The inputs of `source`, a file path or `-` for stdin.
    ///
    /// - Parameters:
    ///   - source: A file path, or `-` for standard input.
    ///   - textField: The field holding each object's text.
    ///   - idField: The field naming each object, if any.
    /// - Returns: One text input per object, in file order.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` when the file cannot be read,
    ///   ``EmbeddingCacheError/Code/invalidInput`` naming the first line that is not an object
    ///   with a string text field.
    public static func inputs(from source: String, textField: String, idField: String?) throws -> [EmbeddingInput] {
        try inputs(
            in: LineInputs.read(source, option: "--jsonl"),
            source: source,
            textField: textField,
            idField: idField
        )
    }

    /// The inputs of a file's bytes; see ``inputs(from:textField:idField:)``.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file's name, for error messages.
    ///   - textField: The field holding each object's text.
    ///   - idField: The field naming each object, if any.
    /// - Returns: One text input per object.
    /// - Throws: ``EmbeddingCacheError/Code/invalidInput`` naming the first bad line.
    public static func inputs(
        in data: Data,
        source: String,
        textField: String,
        idField: String?
    ) throws -> [EmbeddingInput] {
        try LineInputs.lines(of: data).enumerated().compactMap { index, line in
            try input(line, number: index + 1, source: source, textField: textField, idField: idField)
        }
    }

    /// The input of one JSON Lines record: its `textField`, labelled by its `idField` or `line N`.
    ///
    /// - Parameters:
    ///   - line: The line's bytes, without its line break.
    ///   - number: Its line number, from 1.
    ///   - source: The file named in errors.
    ///   - textField: The field holding the text.
    ///   - idField: The field naming the record, if any.
    /// - Returns: The input, or `nil` for a blank line.
    /// - Throws: ``EmbeddingCacheError`` `.invalidInput` naming the line when it is not a JSON
    ///   object or lacks a field.
    public static func input(
        _ line: Data,
        number: Int,
        source: String,
        textField: String,
        idField: String?
    ) throws -> EmbeddingInput? {
        guard line.contains(where: { !Self.isWhitespace($0) }) else { return nil }
        let place = "line \(number) of --jsonl '\(source)'"
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            throw EmbeddingCacheError(.invalidInput, "\(place) is not a JSON object")
        }
        guard let text = object[textField] as? String else {
            throw EmbeddingCacheError(.invalidInput, "\(place) has no string field '\(textField)' (--text-field)")
        }
        let label = try idField.map { field in
            switch object[field] {
            case let id as String: id
            case let id as Int: String(id)
            default:
                throw EmbeddingCacheError(
                    .invalidInput,
                    "\(place) has no string or integer field '\(field)' (--id-field)"
                )
            }
        }
        return .text(text, label: label ?? "line \(number)")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { [0x20, 0x09, 0x0D].contains(byte) }
}
