import EmbeddingCache
import EmbeddingCacheTesting
import Testing

/// The engine's two ways to look keys up: in the digest pass itself, with a store that looks up
/// synchronously, or after every input is digested, with any other store.
enum LookupPath: CaseIterable, CustomTestStringConvertible {
    case pipelined
    case afterDigesting

    /// `store` as the cache should see it for this path.
    func store(_ store: InMemoryEmbeddingStore) -> any EmbeddingStore {
        switch self {
        case .pipelined: store
        case .afterDigesting: AsynchronousLookupStore(store)
        }
    }

    var testDescription: String {
        switch self {
        case .pipelined: "lookups pipelined with digesting"
        case .afterDigesting: "lookups after digesting"
        }
    }
}
