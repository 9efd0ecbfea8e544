internal import EmbeddingCache
internal import PostgresNIO
internal import Synchronization

extension PostgresEmbeddingStore {
    /// The id of `namespace`, or `nil` when no record was ever stored in it.
    func namespaceID(of namespace: Namespace) async throws -> Int32? {
        if let id = namespaceIDs.withLock({ $0[namespace] }) { return id }
        guard let id = try await rows(SelectNamespace(namespace: namespace)).first else { return nil }
        namespaceIDs.withLock { $0[namespace] = id }
        return id
    }

    /// The id of `namespace`, committing a new row for it when needed.
    func createNamespaceID(of namespace: Namespace) async throws -> Int32 {
        while true {
            if let id = try await namespaceID(of: namespace) { return id }
            // A row committed by another process after this statement's snapshot is neither
            // inserted nor returned; the next turn of the loop selects it.
            if let id = try await rows(InsertNamespace(namespace: namespace)).first {
                namespaceIDs.withLock { $0[namespace] = id }
                return id
            }
        }
    }
}

/// `SELECT id` of a namespace.
struct SelectNamespace: PostgresPreparedStatement {
    static let sql = "SELECT id FROM embcache_namespace WHERE model = $1 AND preprocessing = $2 AND storage = $3"
    typealias Row = Int32

    let namespace: Namespace

    func makeBindings() throws -> PostgresBindings { namespace.bindings }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int32.self) }
}

/// Inserts a namespace unless it exists.
struct InsertNamespace: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO embcache_namespace (model, preprocessing, storage) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING RETURNING id
        """
    typealias Row = Int32

    let namespace: Namespace

    func makeBindings() throws -> PostgresBindings { namespace.bindings }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int32.self) }
}

extension Namespace {
    /// Model, preprocessing and storage as three text bindings.
    var bindings: PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(model)
        bindings.append(preprocessing)
        bindings.append(storage.rawValue)
        return bindings
    }
}
