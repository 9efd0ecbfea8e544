internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Foundation
internal import Testing

struct SQLiteSideFileTests {
    private let namespace = Fixtures.namespace

    private func sideFiles(of folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(folder.databasePath).blobs").sorted()
    }

    @Test func largePayloadGoesToASideFileAndReadsBack() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.sideFileThreshold = 4096 }
        let small = Fixtures.entry(seed: 1, dimension: 16)
        let large = Fixtures.entry(seed: 2, dimension: 4096)
        try await store.put([small, large], in: namespace)
        let files = try sideFiles(of: folder)
        #expect(files.count == 1)
        #expect(files.first?.contains(large.digest.hex) == true)
        let found = try await store.records(for: [large.digest, small.digest], in: namespace)
        #expect(found == [large.record, small.record])
    }

    #if os(Linux)
    @Test func sideFileReadIsMappedNotCopied() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.sideFileThreshold = 4096 }
        let large = Fixtures.entry(seed: 2, dimension: 100_000)
        try await store.put([large], in: namespace)
        let payload = try #require(try await store.records(for: [large.digest], in: namespace)[0]).payload
        let address = payload.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        let file = try #require(try sideFiles(of: folder).first)
        // /proc files report size 0, so read them to the end rather than by their size.
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        let mapping = maps.split(separator: "\n").first { line in
            let range = line.prefix { $0 != " " }.split(separator: "-").compactMap { UInt($0, radix: 16) }
            return range.count == 2 && (range[0]..<range[1]).contains(address)
        }
        #expect(mapping?.hasSuffix(file) == true, "the payload is not inside a mapping of its side file")
        #expect(payload == large.record.payload)
    }
    #endif

    @Test func replacedAndDeletedSideFilesAreRemoved() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.sideFileThreshold = 4096 }
        let first = Fixtures.entry(seed: 1, dimension: 4096)
        try await store.put([first], in: namespace)
        try await store.put([first], in: namespace)
        #expect(try sideFiles(of: folder).count == 1, "re-storing the same content keeps its one file")
        let second = Fixtures.stored(Fixtures.record(seed: 9, dimension: 4096), digest: first.digest, in: namespace)
        try await store.put([StoreEntry(digest: first.digest, record: second)], in: namespace)
        let files = try sideFiles(of: folder)
        #expect(files.count == 1)
        #expect(files.first?.hasSuffix(String(second.checksum, radix: 16)) == true)
        let small = Fixtures.stored(Fixtures.record(seed: 9, dimension: 8), digest: first.digest, in: namespace)
        try await store.put([StoreEntry(digest: first.digest, record: small)], in: namespace)
        #expect(try sideFiles(of: folder).isEmpty, "a record moved inline leaves no side file")
        let others = (10..<14).map { Fixtures.entry(seed: $0, dimension: 4096) }
        try await store.put(others, in: namespace)
        #expect(try await store.delete([others[0].digest], in: namespace) == 1)
        let left = try sideFiles(of: folder)
        #expect(left.count == 3, "\(left)")
        var criteria = PruneCriteria()
        criteria.maximumBytes = 0
        let report = try await store.prune(criteria)
        #expect(report.entries == 4)
        #expect(try sideFiles(of: folder).isEmpty)
    }

    @Test func diskBytesCountDatabaseAndSideFiles() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.sideFileThreshold = 4096 }
        let before = try #require(try await store.statistics().diskBytes)
        let large = Fixtures.entry(seed: 2, dimension: 1 << 20)
        try await store.put([large], in: namespace)
        let after = try #require(try await store.statistics().diskBytes)
        #expect(after - before >= large.record.payload.count)
    }
}
