internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import GRDB
internal import Testing

#if canImport(Glibc)
internal import Glibc
#endif

/// Lookups read the database through embcache's mapped VFS, which maps the whole file where
/// SQLite's own VFS stops at 2 GiB, and still serve exactly what was written.
struct SQLiteMappedLookupTests {
    private let namespace = Fixtures.namespace

    /// Moves every committed page from the WAL into the database file, where lookups map it.
    private func checkpoint(_ folder: TemporaryFolder) throws {
        let database = try DatabaseQueue(path: folder.databasePath)
        try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try database.close()
    }

    private func expectServed(_ entries: [StoreEntry], by store: SQLiteEmbeddingStore) async throws {
        let missing = Fixtures.digest(seed: 1_000_000)
        let found = try await store.records(for: entries.map(\.digest) + [missing], in: namespace)
        #expect(Array(found.dropLast()) == entries.map(\.record))
        #expect(found.last == .some(nil), "a digest never written was found")
    }

    @Test func lookupsServeRecordsWrittenAfterTheirConnectionMappedTheFile() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let first = (0..<200).map { Fixtures.entry(seed: $0, dimension: 384) }
        try await store.put(first, in: namespace)
        try checkpoint(folder)
        try await expectServed(first, by: store)

        // The file grows well past what the lookup connection mapped, in the WAL and then in the file.
        let second = (200..<6000).map { Fixtures.entry(seed: $0, dimension: 384) }
        try await store.put(Array(second[..<2900]), in: namespace)
        try await expectServed(first + second[..<2900], by: store)
        try checkpoint(folder)
        try await store.put(Array(second[2900...]), in: namespace)
        try await expectServed(first + second, by: store)
        try checkpoint(folder)
        try await expectServed(second + first, by: store)
    }

    #if os(Linux)
    /// The byte lengths of this process's mappings of `path`.
    private func mappingLengths(of path: String) throws -> [Int] {
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        return maps.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[5...].joined(separator: " ") == path else { return nil }
            let bounds = fields[0].split(separator: "-").compactMap { Int($0, radix: 16) }
            return bounds.count == 2 ? bounds[1] - bounds[0] : nil
        }
    }

    /// A store of 500 entries, checkpointed into a sparse 3 GiB file: SQLite keeps to the page count
    /// in its header, and its own VFS would map at most 2 GiB (0x7fff0000 bytes) of it.
    private func sparseStore(
        _ folder: TemporaryFolder
    ) async throws -> (store: SQLiteEmbeddingStore, entries: [StoreEntry], size: Int) {
        let store = try folder.store()
        let entries = (0..<500).map { Fixtures.entry(seed: $0, dimension: 384) }
        try await store.put(entries, in: namespace)
        try checkpoint(folder)
        let size = 3 << 30
        #expect(truncate(folder.databasePath, off_t(size)) == 0)
        return (store, entries, size)
    }

    @Test func lookupsMapAFileLargerThanSQLitesOwnLimit() async throws {
        let folder = try TemporaryFolder()
        // The holder stays open, so the process holds locks on the file: the unix VFS then keeps
        // the descriptor of a closed connection and hands it to the next one instead of opening anew.
        let (holder, entries, size) = try await sparseStore(folder)
        // The second store's lookup connection gets the descriptor the first one's left behind.
        for _ in 0..<2 {
            #expect(try !mappingLengths(of: folder.databasePath).contains(size), "no lookup has mapped the file yet")
            let store = try folder.store()
            try await expectServed(entries, by: store)
            let lengths = try mappingLengths(of: folder.databasePath)
            #expect(lengths.contains(size), "mappings of the database: \(lengths)")
        }
        withExtendedLifetime(holder) {}
    }

    @Test func connectionsOfOneProcessShareOneMapping() async throws {
        let folder = try TemporaryFolder()
        let (first, entries, size) = try await sparseStore(folder)
        let second = try folder.store()
        try await expectServed(entries, by: first)
        try await expectServed(entries, by: second)
        let lengths = try mappingLengths(of: folder.databasePath)
        #expect(lengths.filter { $0 == size }.count == 1, "mappings of the database: \(lengths)")
    }
    #endif
}
