public import FoundationEssentials

extension SQLiteEmbeddingStore {
    /// How a ``SQLiteEmbeddingStore`` opens and uses its file.
    ///
    /// The defaults suit a cache shared by several processes on one machine: writers wait for each
    /// other rather than fail, small payloads live in the database and large ones in side files.
    ///
    /// ```swift
    /// var configuration = SQLiteEmbeddingStore.Configuration()
    /// configuration.busyTimeout = .seconds(5)
    /// let store = try SQLiteEmbeddingStore(path: "/tmp/cache.sqlite", configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// How long a connection waits for another process's lock before failing; 30 s by default.
        public var busyTimeout: Duration = .seconds(30)
        /// Payloads of at least this many bytes are kept in side files beside the database.
        ///
        /// The default, 1 MiB, is where reading a record from a mapped side file starts to beat
        /// reading it inline (measurements in `docs/storage-layout.md`).
        public var sideFileThreshold: Int = 1 << 20
        /// A read records an entry's last use only when the stored time is older than this; 1 hour
        /// by default, so warm reads never write.
        public var touchInterval: Duration = .seconds(3600)
        /// The page size of a new database file (`PRAGMA page_size`); an existing file keeps its own.
        ///
        /// The default, 8192, took the least space per entry for embedding-sized records and looked
        /// keys up fastest (measurements in `docs/storage-layout.md`).
        public var pageSize: Int = 8192
        /// The number of database bytes read through memory mapping (`PRAGMA mmap_size`); 0 reads
        /// every page with a system call.
        ///
        /// Lookups open the file through embcache's mapped VFS, which maps up to this many bytes.
        /// The default, 1 TiB, maps any store whole, which made single-key lookups in a 10 M-entry
        /// store faster than SQLite's own 2 GiB limit (`docs/benchmarks.md`). Writes and scans go
        /// through SQLite's own VFS,
        /// which maps at most its compile-time maximum (2 GiB on Debian).
        public var mmapSize: Int = 1 << 40
        /// The clock for creation and last-use times; the system clock by default.
        public var now: @Sendable () -> Date = { Date() }
        /// How old a side file no row references must be before ``SQLiteEmbeddingStore/sweepOrphans()``
        /// removes it: an hour by default, longer than any lease and any wait for the write lock,
        /// so a file written for a row about to commit is never taken. (Even then, the writer
        /// checks its files inside its transaction and writes a missing one again.)
        public var orphanAge: Duration = .seconds(3600)

        /// Creates the default configuration.
        public init() {}
    }
}
