/// How float tensors are stored: as the encoder produced them, or down-cast to save space.
///
/// The policy is part of the ``Namespace``, so a lossless reader is never served rounded values.
/// Down-casting applies to `float32` and `float64` tensors; other dtypes are stored as they are.
/// A value that overflows the narrower type is an error, never a stored infinity; the `-saturating`
/// policies store the type's largest finite value of the same sign instead (and, being other
/// policies, other namespaces: a reader of `float16` is never served a saturated value).
public enum StoragePolicy: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Store every tensor exactly as the encoder returned it (the default).
    case lossless
    /// Store float tensors as IEEE 754 half precision, rounded to nearest even.
    case float16
    /// Store float tensors as bfloat16, rounded to nearest even.
    case bfloat16
    /// As ``float16``, with values beyond its range stored as ±65 504 instead of refused.
    case float16Saturating = "float16-saturating"
    /// As ``bfloat16``, with values beyond its range (float64 only) stored as its largest finite value.
    case bfloat16Saturating = "bfloat16-saturating"

    /// The policy's name: `lossless`, `float16`, `bfloat16`, `float16-saturating` or
    /// `bfloat16-saturating`.
    public var description: String { rawValue }

    /// The dtype float tensors are stored in, or `nil` when they are kept as they are.
    public var floatStorageType: DType? {
        switch self {
        case .lossless: nil
        case .float16, .float16Saturating: .float16
        case .bfloat16, .bfloat16Saturating: .bfloat16
        }
    }

    /// Whether values beyond the storage type's range are stored as its largest finite value.
    public var saturates: Bool { self == .float16Saturating || self == .bfloat16Saturating }
}
