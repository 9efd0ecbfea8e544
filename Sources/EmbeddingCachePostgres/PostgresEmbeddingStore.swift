public import EmbeddingCache
internal import FoundationEssentials
public import Logging
internal import PostgresNIO
public import ServiceLifecycle
internal import Synchronization

/// The shared store for many machines: one PostgreSQL database that every process reads and
/// writes at once, with the same guarantees as the embedded store.
///
/// The store wraps postgres-nio's `PostgresClient`, a connection pool whose background work runs
/// in ``run()``: the owner runs it, as a ServiceLifecycle `Service` or through
/// ``withStore(_:logger:_:)``, which scopes both to a closure. Tables are created and migrated on
/// first use. A lookup of a batch is one prepared statement (`digest = ANY($2)`); a put is one
/// `INSERT … ON CONFLICT … DO UPDATE` over bound arrays, in one transaction. The store hands out
/// leases (``EmbeddingStoreLeasing``), so caches on several hosts encode each missed key once.
///
/// ```swift
/// let configuration = try PostgresEmbeddingStore.Configuration(url: "postgres://me@db.internal/features")
/// try await PostgresEmbeddingStore.withStore(configuration) { store in
///     let cache = EmbeddingCache(store: store, encoder: encoder)
///     _ = try await cache.records(for: inputs)
/// }
/// ```
public final class PostgresEmbeddingStore: EmbeddingStoreLeasing, Service {
    /// The configuration the store was made with.
    public let configuration: Configuration

    let client: PostgresClient
    let logger: Logger
    /// This instance's identity as a lease holder.
    let holder = UUID()
    /// Namespace ids seen committed; namespace rows are never deleted, so an id never goes stale.
    let namespaceIDs = Mutex<[Namespace: Int32]>([:])
    /// Whether this instance has checked, and if needed migrated, the schema.
    let schemaReady = Atomic<Bool>(false)
    /// Ends the wait of operations whose pooled connection closes under them.
    let closeWatch = CloseWatch()

    /// Creates a store; it connects once ``run()`` is running.
    ///
    /// - Parameters:
    ///   - configuration: The server, role, database, schema and settings.
    ///   - logger: Where the connection pool logs; silent by default.
    public init(
        configuration: Configuration,
        logger: Logger = Logger(label: "embcache.postgres") { _ in SwiftLogNoOpLogHandler() }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
    }

    /// Runs the connection pool until the task is cancelled or a graceful shutdown is triggered.
    ///
    /// Every operation waits for a connection, so this must be running (once) while the store is
    /// in use. As a ServiceLifecycle `Service`, the store can be handed to a `ServiceGroup`.
    public func run() async throws {
        await client.run()
    }

    /// Makes a store, runs it for the duration of `body`, then shuts it down.
    ///
    /// - Parameters:
    ///   - configuration: The server, role, database, schema and settings.
    ///   - logger: Where the connection pool logs; silent by default.
    ///   - body: The work to do with the store; the store must not escape it.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public static func withStore<Result: Sendable>(
        _ configuration: Configuration,
        logger: Logger = Logger(label: "embcache.postgres") { _ in SwiftLogNoOpLogHandler() },
        _ body: (PostgresEmbeddingStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresEmbeddingStore(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// Runs `body` once the schema is ready, reporting any failure as an ``EmbeddingCacheError``.
    ///
    /// A lost connection (see ``isConnectionLoss(_:)``) is retried up to
    /// ``Configuration/connectionRetries`` times with a doubling delay; the pool reconnects, and
    /// waits for a restarting server, meanwhile.
    func access<Result>(
        _ operation: String,
        _ namespace: Namespace? = nil,
        _ body: () async throws -> Result
    ) async throws(EmbeddingCacheError) -> Result {
        var delay = Duration.milliseconds(100)
        var attempt = 0
        while true {
            do {
                if !schemaReady.load(ordering: .acquiring) {
                    try await Schema.migrate(configuration, logger: logger)
                    schemaReady.store(true, ordering: .releasing)
                }
                return try await body()
            } catch  where attempt < configuration.connectionRetries && Self.isConnectionLoss(error) {
                attempt += 1
                logger.debug("retrying after a lost connection", metadata: ["operation": "\(operation)"])
                do { try await Task.sleep(for: delay) } catch {
                    throw EmbeddingCacheError.store(error, at: configuration.redactedURL, while: operation)
                }
                delay *= 2
            } catch {
                throw EmbeddingCacheError.store(
                    error,
                    at: configuration.redactedURL,
                    while: operation,
                    namespace: namespace
                )
            }
        }
    }
}
