public import FoundationEssentials

/// One input to embed: the bytes of a file, a buffer or a text, or an ordered list of such parts.
///
/// The label names the input in errors and reports (a path, a sample id); it is never part of the
/// key. A single input is keyed by the SHA-256 of its bytes; a composite by
/// ``ContentDigest/composite(_:)`` over its parts.
///
/// ```swift
/// let inputs = paths.map(EmbeddingInput.file)
/// let sample = EmbeddingInput.composite([.file("a.png"), .text("a red chair")], label: "sample-17")
/// ```
public struct EmbeddingInput: Sendable {
    /// Where a part's bytes come from.
    public enum Part: Sendable {
        /// Bytes in memory.
        case bytes(Data)
        /// Text, keyed and encoded as its UTF-8 bytes.
        case text(String)
        /// A file, read when the input is digested; its path is not part of the key.
        case file(String)
    }

    /// The parts, in order; exactly one for a single input.
    public let parts: [Part]
    /// Whether the input is a composite (keyed by the framed list of parts, even with one part).
    public let isComposite: Bool
    /// The name used in errors and reports.
    public let label: String

    /// A file input, labelled with its path.
    ///
    /// - Parameter path: The file's path.
    /// - Returns: The input.
    public static func file(_ path: String) -> EmbeddingInput {
        EmbeddingInput(parts: [.file(path)], isComposite: false, label: path)
    }

    /// An in-memory input.
    ///
    /// - Parameters:
    ///   - bytes: The input's bytes.
    ///   - label: Its name in errors and reports.
    /// - Returns: The input.
    public static func bytes(_ bytes: Data, label: String) -> EmbeddingInput {
        EmbeddingInput(parts: [.bytes(bytes)], isComposite: false, label: label)
    }

    /// A text input, keyed by its UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - text: The text.
    ///   - label: Its name in errors and reports (not the text itself).
    /// - Returns: The input.
    public static func text(_ text: String, label: String) -> EmbeddingInput {
        EmbeddingInput(parts: [.text(text)], isComposite: false, label: label)
    }

    /// A composite input: an ordered list of parts keyed together.
    ///
    /// - Parameters:
    ///   - parts: The parts, in order.
    ///   - label: Its name in errors and reports.
    /// - Returns: The input.
    public static func composite(_ parts: [Part], label: String) -> EmbeddingInput {
        EmbeddingInput(parts: parts, isComposite: true, label: label)
    }

    /// Reads the parts.
    ///
    /// - Returns: The input as an encoder receives it.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming the file.
    public func load() throws(EmbeddingCacheError) -> EncoderInput {
        if !isComposite, parts.count == 1 { return EncoderInput(single: try Self.bytes(of: parts[0]), label: label) }
        var loaded = [Data]()
        loaded.reserveCapacity(parts.count)
        for part in parts { loaded.append(try Self.bytes(of: part)) }
        return EncoderInput(parts: loaded, label: label)
    }

    private static func bytes(of part: Part) throws(EmbeddingCacheError) -> Data {
        switch part {
        case .bytes(let data): data
        case .text(let text): Data(text.utf8)
        case .file(let path): try FileBytes.read(path)
        }
    }

    /// The path of a single (not composite) file input; `nil` for any other input.
    var singleFile: String? {
        guard !isComposite, parts.count == 1, case .file(let path) = parts[0] else { return nil }
        return path
    }

    /// Whether any part is read from a file, and so can be read again rather than kept in memory.
    var isReadFromFiles: Bool {
        parts.contains { part in
            if case .file = part { true } else { false }
        }
    }

    /// The key's content digest of loaded parts: SHA-256 of the bytes for a single input, the
    /// framed ``ContentDigest/composite(_:)`` for a composite.
    ///
    /// - Parameter loaded: This input, loaded.
    /// - Returns: The content digest.
    public func digest(of loaded: EncoderInput) -> ContentDigest {
        isComposite ? ContentDigest.composite(loaded.parts) : ContentDigest(of: loaded.bytes)
    }
}

/// An input as an encoder receives it: its parts' bytes and its label.
public struct EncoderInput: Sendable {
    // The first part apart from the others: a single input (the hot path) allocates no array.
    private let first: Data
    private let others: [Data]
    /// The input's name in errors and reports.
    public let label: String

    /// Creates an encoder input.
    ///
    /// - Parameters:
    ///   - parts: The bytes of each part, at least one.
    ///   - label: The input's name.
    public init(parts: [Data], label: String) {
        self.first = parts.first ?? Data()
        self.others = Array(parts.dropFirst())
        self.label = label
    }

    init(single bytes: Data, label: String) {
        self.first = bytes
        self.others = []
        self.label = label
    }

    /// The bytes of each part, in order; one element for a single input.
    public var parts: [Data] { [first] + others }

    /// The bytes of the first part: the whole input for a single input.
    public var bytes: Data { first }
}
