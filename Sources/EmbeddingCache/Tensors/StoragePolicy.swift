/// How float tensors are stored: as the encoder produced them, or down-cast to save space.
///
/// The policy is part of the ``Namespace``, so a lossless reader is never served rounded values.
/// Down-casting applies to `float32` and `float64` tensors; other dtypes are stored as they are.
/// A value that overflows the narrower type is an error, never a stored infinity.
public enum StoragePolicy: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Store every tensor exactly as the encoder returned it (the default).
    case lossless
    /// Store float tensors as IEEE 754 half precision, rounded to nearest even.
    case float16
    /// Store float tensors as bfloat16, rounded to nearest even.
    case bfloat16

    /// The policy's name: `lossless`, `float16` or `bfloat16`.
    public var description: String { rawValue }

    /// The dtype float tensors are stored in, or `nil` when they are kept as they are.
    public var floatStorageType: DType? {
        switch self {
        case .lossless: nil
        case .float16: .float16
        case .bfloat16: .bfloat16
        }
    }
}
