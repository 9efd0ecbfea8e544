internal import CEmbeddingCacheSQLiteVFS
public import EmbeddingCache
internal import FoundationEssentials
public import GRDB
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The embedded default store: one SQLite file in WAL mode, shared safely by several processes.
///
/// Small records live inline in the database; records of at least
/// ``Configuration/sideFileThreshold`` bytes live in immutable side files in a folder beside it
/// (`cache.sqlite.blobs/`) and are read back memory-mapped, without a copy. A lookup of a batch is
/// one read transaction over a prepared statement, run on the calling thread on a read-only
/// connection of its own (see `LookupConnections`); a put is one write transaction. Last-use times,
/// which pruning needs, are kept coarsely: a read writes only for entries whose recorded use is
/// older than ``Configuration/touchInterval``.
///
/// ```swift
/// let store = try SQLiteEmbeddingStore(path: SQLiteEmbeddingStore.defaultPath)
/// try await store.put([StoreEntry(digest: digest, record: sealed)], in: namespace)
/// let found = try await store.records(for: [digest], in: namespace)
/// ```
public final class SQLiteEmbeddingStore: EmbeddingStoreSynchronousLookup, EmbeddingStoreLeasing {
    /// The database file.
    public let path: String
    /// The configuration the store was opened with.
    public let configuration: Configuration

    let pool: DatabasePool
    let lookupConnections: LookupConnections
    let sideFiles: SideFiles
    /// Entries found by lookups whose recorded last use is older than the touch interval, to be
    /// given the current time by ``recordPendingUses()``.
    let pendingUses = Mutex<Set<Int64>>([])
    /// Namespace ids seen committed; namespace rows are never deleted, so an id never goes stale.
    let namespaceIDs = Mutex<[Namespace: Int64]>([:])
    /// This instance, its host and its process, as the `claim` table names them (see
    /// ``claim(_:in:for:)``).
    let leaseHolder = LeaseHolder()

    /// SQLite's process-wide settings, applied once, before the first store opens a connection:
    /// memory statistics off, so that lookups running on several threads do not queue on the
    /// global mutex that counts every allocation, and URI filenames on, which lookups use to name
    /// the mapped VFS. (When the host opened SQLite connections of its own first, SQLite keeps its
    /// settings and lookups merely run slower.)
    private static let processSettings: Void = { _ = embcache_sqlite_configure_process() }()

    /// The default database path.
    ///
    /// `$EMBCACHE_DIR/cache.sqlite`, else `$XDG_CACHE_HOME/embcache/cache.sqlite`, else
    /// `~/.cache/embcache/cache.sqlite`. Empty variables count as unset.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let directory = variable("EMBCACHE_DIR") { return "\(directory)/cache.sqlite" }
        if let directory = variable("XDG_CACHE_HOME") { return "\(directory)/embcache/cache.sqlite" }
        let home = variable("HOME") ?? FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.cache/embcache/cache.sqlite"
    }

    /// Opens the store at `path`, creating the file, its folder and its schema when missing.
    ///
    /// Opening migrates an older schema to the current one. Several stores, in one process or many,
    /// may open the same file at once.
    ///
    /// - Parameters:
    ///   - path: The database file; its parent folders are created.
    ///   - configuration: Timeouts, the side-file threshold, the touch interval and the clock.
    /// - Throws: ``EmbeddingCacheError`` with code `.storeIncompatible` when the file is not an
    ///   SQLite database, belongs to another application, or was written by a newer embcache;
    ///   `.storeFailed` when it cannot be created or opened.
    public convenience init(path: String, configuration: Configuration = Configuration()) throws {
        _ = Self.processSettings
        do {
            try PrivateFiles.createFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
            try PrivateFiles.createFile(path)
        } catch {
            throw EmbeddingCacheError(
                .storeFailed,
                "cannot create the files of the embedding store at \(path)",
                underlying: error
            )
        }
        let pool: DatabasePool
        do {
            try Schema.checkCompatibility(ofFileAt: path, busyTimeout: configuration.busyTimeout)
            pool = try Self.openPool(path: path, configuration: configuration)
        } catch {
            throw EmbeddingCacheError.store(error, path: path, while: "open")
        }
        try self.init(path: path, pool: pool, configuration: configuration)
    }

    /// Opens the store on a database pool the caller already has, creating or migrating the
    /// store's tables in its file.
    ///
    /// The pool keeps its own settings: the configuration's page size, `synchronous` mode, busy
    /// timeout and memory mapping apply only to the connections the store opens itself (its
    /// lookups). Side files live beside the pool's file, as with ``init(path:configuration:)``.
    ///
    /// ```swift
    /// let pool = try DatabasePool(path: "app.sqlite")
    /// let store = try SQLiteEmbeddingStore(pool: pool)
    /// ```
    ///
    /// - Parameters:
    ///   - pool: An open pool on a new, empty file or on an embcache store.
    ///   - configuration: Timeouts, the side-file threshold, the touch interval and the clock.
    /// - Throws: ``EmbeddingCacheError`` `.storeIncompatible` when the file holds another
    ///   application's tables or a store written by a newer embcache; `.storeFailed` when it cannot
    ///   be written.
    public convenience init(pool: DatabasePool, configuration: Configuration = Configuration()) throws {
        _ = Self.processSettings
        do {
            try Schema.checkCompatibility(ofFileAt: pool.path, busyTimeout: configuration.busyTimeout)
        } catch {
            throw EmbeddingCacheError.store(error, path: pool.path, while: "open")
        }
        try self.init(path: pool.path, pool: pool, configuration: configuration)
    }

    /// Creates the side-file folder, migrates the schema and sets the store up over `pool`.
    private init(path: String, pool: DatabasePool, configuration: Configuration) throws {
        self.path = path
        self.configuration = configuration
        self.pool = pool
        self.sideFiles = SideFiles(directory: "\(path).blobs")
        self.lookupConnections = LookupConnections(path: path, configuration: configuration)
        do {
            try PrivateFiles.createFolder(sideFiles.directory)
        } catch {
            throw EmbeddingCacheError(
                .storeFailed,
                "cannot create the side-file folder of the embedding store at \(path)",
                underlying: error
            )
        }
        do {
            try Schema.migrate(pool)
        } catch {
            throw EmbeddingCacheError.store(error, path: path, while: "open")
        }
    }

    /// Closes the lookups' read-only connections before the pool's, so that the pool's writer is
    /// the last connection to the file in this process: closing it copies the write-ahead log
    /// into the database file and removes the log (when no other process has the file open).
    ///
    /// A read-only connection closing last cannot do that, and the log outlives the process. Every
    /// later process then reads the records that the log holds from the log, page by page, and not
    /// through the lookups' mapping of the database file, until enough writes trigger a
    /// checkpoint, which a warm run never makes; reading from the log measured slower than from
    /// the mapped file (`docs/benchmarks.md`).
    deinit {
        lookupConnections.closeIdle()
    }

    /// Opens the pool, retrying while another connection is switching a new file to WAL.
    ///
    /// SQLite answers `SQLITE_BUSY` at once, without waiting for the busy timeout, when two
    /// connections set `journal_mode = WAL` on a new file together; retrying within the busy
    /// timeout lets several processes create one store at the same moment. This is the wait
    /// SQLite's busy handler makes (sleep, then try again) for the one error it does not invoke it
    /// for. Serializing opens with an `flock` instead was tried: openers then still failed while
    /// other processes read and closed the store (`ConcurrentProcessTests`, 2 of 5 runs).
    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + configuration.busyTimeout
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration.database)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline
            {
                usleep(10_000)
            }
        }
    }

    /// Runs `body`, reporting any failure as an ``EmbeddingCacheError`` naming the path.
    func access<Result>(
        _ operation: String,
        _ namespace: Namespace? = nil,
        _ body: () async throws -> Result
    ) async throws(EmbeddingCacheError) -> Result {
        do {
            return try await body()
        } catch {
            throw EmbeddingCacheError.store(error, path: path, while: operation, namespace: namespace)
        }
    }
}

extension SQLiteEmbeddingStore.Configuration {
    /// The GRDB configuration: a busy timeout, the page size of a new file, `synchronous = NORMAL`
    /// and memory mapping.
    var database: GRDB.Configuration {
        var database = GRDB.Configuration()
        database.busyMode = .timeout(busyTimeout.seconds)
        let (pageSize, mmapSize) = (self.pageSize, self.mmapSize)
        database.prepareDatabase { db in
            // PRAGMA takes no bound parameters; the values are integers, not user text. The page
            // size must be set before GRDB switches a new file to WAL, which is when it is written.
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA mmap_size = \(mmapSize)")
        }
        return database
    }

    /// ``touchInterval`` in milliseconds.
    var touchIntervalMilliseconds: Int64 { touchInterval.milliseconds }
}
