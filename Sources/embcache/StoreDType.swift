import ArgumentParser
import EmbeddingCache

/// `--store-dtype float16|bfloat16`: the name for a down-casting `--storage-policy`.
enum StoreDType: String, CaseIterable, ExpressibleByArgument {
    case float16
    case bfloat16

    /// The storage policy this dtype stands for.
    var policy: StoragePolicy {
        switch self {
        case .float16: .float16
        case .bfloat16: .bfloat16
        }
    }
}
