public import EmbeddingCache

/// `store_dtype` in a plan (and `--store-dtype`): the dtype float tensors are stored down-cast to.
///
/// ```swift
/// var configuration = EmbeddingCache.Configuration()
/// configuration.storagePolicy = StoreDType.bfloat16.policy
/// ```
public enum StoreDType: String, CaseIterable, Decodable, Sendable {
    /// IEEE half precision.
    case float16
    /// bfloat16: float32's exponent with a 7-bit mantissa.
    case bfloat16

    /// The storage policy this dtype stands for.
    public var policy: StoragePolicy {
        switch self {
        case .float16: .float16
        case .bfloat16: .bfloat16
        }
    }
}
