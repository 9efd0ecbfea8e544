internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import GRDB
internal import Testing

/// The store returns whatever bytes it holds; the core's checksum is what rejects damage.
struct SQLiteCorruptionTests {
    private let namespace = Fixtures.namespace

    private func lookUp(
        _ entry: StoreEntry,
        in store: SQLiteEmbeddingStore
    ) async throws -> (StoredRecord?, TensorRecord?) {
        let found = try await store.records(for: [entry.digest], in: namespace)[0]
        return (found, found.flatMap { RecordChecksum(namespace: namespace).open($0, digest: entry.digest) })
    }

    @Test func byteFlippedInTheDatabaseFailsTheChecksum() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let entry = Fixtures.entry(seed: 1, dimension: 384)
        try await store.put([entry], in: namespace)
        #expect(try await lookUp(entry, in: store).1 != nil)

        let database = try DatabaseQueue(path: folder.databasePath)
        try await database.write { db in
            var payload = try #require(try Data.fetchOne(db, sql: "SELECT payload FROM entry"))
            payload[payload.startIndex + 200] ^= 0x01
            try db.execute(sql: "UPDATE entry SET payload = ?", arguments: [payload])
        }
        try database.close()

        let (stored, opened) = try await lookUp(entry, in: store)
        #expect(stored != nil, "a damaged record is returned, not hidden")
        #expect(stored?.payload != entry.record.payload)
        #expect(opened == nil)
    }

    @Test(arguments: ["flip", "truncate", "remove"])
    func damagedSideFileFailsTheChecksum(damage: String) async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.sideFileThreshold = 1024 }
        let entry = Fixtures.entry(seed: 1, dimension: 4096)
        try await store.put([entry], in: namespace)
        let directory = "\(folder.databasePath).blobs"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first)
        let path = "\(directory)/\(file)"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        switch damage {
        case "flip":
            bytes[bytes.startIndex + 5000] ^= 0x80
            try bytes.write(to: URL(fileURLWithPath: path))
        case "truncate":
            try bytes.prefix(1000).write(to: URL(fileURLWithPath: path))
        default:
            try FileManager.default.removeItem(atPath: path)
        }

        let (stored, opened) = try await lookUp(entry, in: store)
        #expect(stored != nil, "a damaged record is returned, not hidden")
        #expect(stored?.checksum == entry.record.checksum)
        #expect(opened == nil)
    }
}
