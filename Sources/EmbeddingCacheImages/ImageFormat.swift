public import FoundationEssentials

/// The image formats the decoder reads, recognised by their first bytes rather than a file name.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable {
    /// PNG: the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// JPEG: a start-of-image marker followed by another marker, `FF D8 FF`.
    case jpeg

    /// Recognises the format from the first bytes of a file.
    ///
    /// ```swift
    /// ImageFormat(sniffing: try Data(contentsOf: url)) // .png, .jpeg or nil
    /// ```
    ///
    /// - Parameter bytes: The file's bytes, or at least its first eight.
    /// - Returns: The format, or `nil` when the bytes start like neither.
    public init?(sniffing bytes: Data) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else {
            return nil
        }
    }
}
