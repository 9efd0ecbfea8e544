import EmbeddingCache
import Foundation

/// Opens the store a `--store` location names.
enum StoreLocation {
    /// The location used when neither `--store` nor `EMBCACHE_STORE` is set.
    static var defaultLocation: String {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["EMBCACHE_DIR"], !directory.isEmpty { return directory + "/cache.sqlite" }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return cache + "/embcache/cache.sqlite" }
        return NSHomeDirectory() + "/.cache/embcache/cache.sqlite"
    }

    /// Opens (creating when absent) the store at `location`.
    ///
    /// - Throws: ``EmbeddingCacheError`` when the file is not an embcache store, is from a newer
    ///   schema, or cannot be created.
    static func open(_ location: String) throws -> any EmbeddingStore {
        // Until EmbeddingCacheSQLite lands, runs keep their records in memory.
        InMemoryEmbeddingStore()
    }
}
