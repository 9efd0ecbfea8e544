import CEmbeddingCacheBenchmarkBaselines
import EmbeddingCache
import EmbeddingCacheSQLite

/// The lookup suite's single-key baseline: the store's read of one key written in C against the
/// sqlite3 API (`lookup_baseline.c`), on the same file, with the same statement, open flags, VFS
/// and memory mapping as the store's lookups, the record checksum verified with the project's
/// CRC32C and the float32 vector decoded into a buffer. Open it after the store's first lookup, so
/// that the store has registered its mapped VFS and both read through one mapping.
final class CLookupBaseline {
    private let lookup: OpaquePointer
    private var vector = [Float](repeating: 0, count: 4096)

    init(store: SQLiteEmbeddingStore, namespace: Namespace) throws {
        let touchInterval = store.configuration.touchInterval.components
        guard
            let lookup = embcache_baseline_lookup_open(
                store.path,
                Int64(store.configuration.mmapSize),
                touchInterval.seconds * 1000 + touchInterval.attoseconds / 1_000_000_000_000_000,
                namespace.model,
                namespace.preprocessing,
                namespace.storage.rawValue
            )
        else { throw BenchmarkFailure("the C baseline cannot open \(store.path)") }
        self.lookup = lookup
    }

    deinit { embcache_baseline_lookup_close(lookup) }

    /// Reads, verifies and decodes the record of `digest`, as the store's lookup followed by the
    /// checksum's `open` does.
    func fetch(_ digest: ContentDigest) throws {
        let values = digest.withUnsafeBytes { key in
            vector.withUnsafeMutableBufferPointer { buffer in
                embcache_baseline_lookup_read(
                    lookup,
                    key.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    buffer.baseAddress,
                    buffer.count
                )
            }
        }
        guard values > 0 else { throw BenchmarkFailure("the C baseline did not find a verified record") }
    }
}
