/// A way of caching embeddings that the churn simulation compares, as in the study's Table 1.
///
/// `sha` and `pixel` are embcache itself; `none` is the no-cache baseline; `path` and `phash` are
/// the study's negative examples, keyed by what must never be a key, and exist only inside the
/// simulation to show what they serve.
public enum CacheStrategy: String, CaseIterable, Sendable, Codable, Comparable {
    /// No cache: every input is encoded every cycle.
    case none
    /// A cache keyed by the file's path (the study's broken pipeline).
    case path
    /// embcache keyed by the SHA-256 of the bytes.
    case sha
    /// embcache with the second tier keyed by the decoded pixels (encoders that read pixels only).
    case pixel
    /// A cache keyed by the 64-bit perceptual hash (the study's colleague's proposal).
    case phash

    /// What the strategy keys on, for tables and help.
    public var keyDescription: String {
        switch self {
        case .none: "no cache"
        case .path: "file path (negative example)"
        case .sha: "SHA-256 of the bytes (embcache)"
        case .pixel: "bytes, then decoded pixels (embcache)"
        case .phash: "64-bit pHash (negative example)"
        }
    }

    /// Orders strategies as declared: none, path, sha, pixel, phash.
    public static func < (lhs: CacheStrategy, rhs: CacheStrategy) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
