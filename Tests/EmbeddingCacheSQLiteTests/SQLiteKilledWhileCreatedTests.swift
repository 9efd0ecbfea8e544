internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import Testing

/// A store whose creating process was killed while SQLite switched the new file to WAL: the file
/// holds one page saying WAL, beside the rollback journal of that switch, which SQLite must roll
/// back before anything reads the file. A read-only connection cannot, so the store's open must
/// not stop there: it opens, empty, and works.
struct SQLiteKilledWhileCreatedTests {
    /// The two files as a `kill -9` left them (found by the CLI's kill trials): the database's
    /// first 0x70 bytes and the journal's first 0x20, the rest zeros.
    private func writeKilledStore(_ folder: TemporaryFolder) throws {
        let database = [
            "53514c69746520666f726d617420330020000202004020200000000100000001",
            String(repeating: "0", count: (0x5C - 0x20) * 2), "00000001",
            "002e63010d000000002000000000000000000000000000000000000000000000",
        ]
        .joined()
        let journal = "d9d505f920a163d700000000dcc30abb0000000000000200000020000000000"
        try write(hex: database, size: 8192, to: folder.databasePath)
        try write(hex: journal + "0", size: 512, to: folder.databasePath + "-journal")
    }

    private func write(hex: String, size: Int, to path: String) throws {
        var bytes = [UInt8](repeating: 0, count: size)
        var index = hex.startIndex
        var offset = 0
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes[offset] = UInt8(hex[index..<next], radix: 16) ?? 0
            offset += 1
            index = next
        }
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
            withIntermediateDirectories: true
        )
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func aStoreKilledWhileBeingCreatedOpensEmptyAndWorks() async throws {
        let folder = try TemporaryFolder()
        try writeKilledStore(folder)
        let store = try folder.store()
        let namespace = Namespace(model: "m", preprocessing: "p")
        #expect(try await store.statistics().totalEntries == 0)
        let record = TensorRecord(single: Tensor(float32: [1, 2, 3]))
        let digest = ContentDigest(ofText: "after the kill")
        let checksum = RecordChecksum(namespace: namespace)
        try await store.put([StoreEntry(digest: digest, record: checksum.seal(record, digest: digest))], in: namespace)
        let found = try await store.records(for: [digest], in: namespace)[0]
        #expect(found.flatMap { checksum.open($0, digest: digest) } == record)
        #expect(!FileManager.default.fileExists(atPath: folder.databasePath + "-journal"))
    }
}
