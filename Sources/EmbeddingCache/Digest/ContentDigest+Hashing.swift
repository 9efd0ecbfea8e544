internal import Crypto
public import FoundationEssentials

extension ContentDigest {
    /// The SHA-256 of `bytes`, exactly what `sha256sum` prints for a file holding them.
    ///
    /// - Parameter bytes: The input's bytes.
    /// - Complexity: O(n); the speed per core is in `docs/benchmarks.md` (the `warm` suite).
    public init(of bytes: some DataProtocol) {
        self.init(sha256: SHA256.hash(data: bytes))
    }

    /// The SHA-256 of the UTF-8 encoding of `text`, with no terminator or byte-order mark.
    ///
    /// - Parameter text: The input text.
    public init(ofText text: String) {
        var text = text
        self = text.withUTF8 { ContentDigest(of: UnsafeRawBufferPointer($0)) }
    }

    /// The SHA-256 of a file's bytes; the path is not part of the digest.
    ///
    /// - Parameter path: The file to read.
    /// - Throws: An ``EmbeddingCacheError`` with code ``EmbeddingCacheError/Code/inputUnreadable``
    ///   naming the path when the file cannot be read.
    public init(ofFileAt path: String) throws(EmbeddingCacheError) {
        self.init(of: try FileBytes.read(path))
    }

    init(sha256: SHA256.Digest) {
        self = sha256.withUnsafeBytes { ContentDigest(bytes: $0)! }
    }
}
