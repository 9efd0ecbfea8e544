// Measures the SQLite store's layout choices: bytes per entry and lookup time per page size, and
// inline versus side-file read throughput per payload size. Run through
// Scripts/measure-sqlite-layout.sh on a release build; prints Markdown tables.
internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Foundation

let arguments = CommandLine.arguments
let recordCount = arguments.count > 1 ? Int(arguments[1])! : 100_000
let folder = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "embcache-layout-probe"
let namespace = Fixtures.namespace
try? FileManager.default.removeItem(atPath: folder)

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func open(_ path: String, pageSize: Int = 8192, threshold: Int = Int.max) throws -> SQLiteEmbeddingStore {
    var configuration = SQLiteEmbeddingStore.Configuration()
    configuration.pageSize = pageSize
    configuration.sideFileThreshold = threshold
    return try SQLiteEmbeddingStore(path: path, configuration: configuration)
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

/// Bytes per entry and lookup times for one page size.
func measurePageSize(_ pageSize: Int) async throws -> String {
    let path = "\(folder)/page-\(pageSize)/cache.sqlite"
    let digests = (0..<recordCount).map { Fixtures.digest(seed: UInt64($0)) }
    let payloadSize: Int
    do {
        let store = try open(path, pageSize: pageSize)
        var size = 0
        for start in stride(from: 0, to: recordCount, by: 1000) {
            let entries = (start..<min(start + 1000, recordCount)).map {
                Fixtures.entry(seed: UInt64($0), dimension: 384)
            }
            size = entries[0].record.payload.count
            try await store.put(entries, in: namespace)
        }
        payloadSize = size
    }  // Closing the last connection checkpoints the WAL into the database file.
    let bytesPerEntry = Double(fileSize(path) + fileSize(path + "-wal")) / Double(recordCount)

    let store = try open(path, pageSize: pageSize)
    for start in stride(from: 0, to: recordCount, by: 800) {
        _ = try await store.records(for: Array(digests[start..<min(start + 800, recordCount)]), in: namespace)
    }
    var generator = SystemRandomNumberGenerator()
    var single = [Double]()
    for _ in 0..<20_000 {
        let digest = digests.randomElement(using: &generator)!
        let start = ContinuousClock.now
        let found = try await store.records(for: [digest], in: namespace)
        single.append((ContinuousClock.now - start).seconds)
        precondition(found[0] != nil)
    }
    var batch = [Double]()
    for _ in 0..<200 {
        let keys = (0..<800).map { _ in digests.randomElement(using: &generator)! }
        let start = ContinuousClock.now
        let found = try await store.records(for: keys, in: namespace)
        batch.append((ContinuousClock.now - start).seconds / 800)
        precondition(found.allSatisfy { $0 != nil })
    }
    return String(
        format: "| %6d | %5d | %7.0f | %6.1f | %6.2f | %6.2f |",
        pageSize,
        payloadSize,
        bytesPerEntry,
        median(single) * 1e6,
        median(batch) * 1e6,
        batch.reduce(0, +) / Double(batch.count) * 1e6
    )
}

/// Warm read throughput of one payload, inline and in a side file, with and without the checksum.
func measurePayload(bytes: Int) async throws -> String {
    let digest = Fixtures.digest(seed: 1)
    let record = Fixtures.record(seed: 1, dimension: bytes / 4)
    let stored = Fixtures.stored(record, digest: digest, in: namespace)
    let checksum = RecordChecksum(namespace: namespace)
    var cells = [String]()
    for (name, threshold) in [("inline", Int.max), ("side", 0)] {
        let store = try open("\(folder)/payload-\(bytes)-\(name)/cache.sqlite", threshold: threshold)
        try await store.put([StoreEntry(digest: digest, record: stored)], in: namespace)
        let rounds = max(20, min(2000, 200_000_000 / bytes))
        var read = [Double]()
        var verified = [Double]()
        for round in 0..<rounds + 5 {
            let start = ContinuousClock.now
            let found = try await store.records(for: [digest], in: namespace)[0]!
            let middle = ContinuousClock.now
            precondition(checksum.checksum(of: found.payload, digest: digest) == stored.checksum)
            let end = ContinuousClock.now
            if round >= 5 {
                read.append((middle - start).seconds)
                verified.append((end - start).seconds)
            }
        }
        cells.append(
            String(
                format: "%8.1f | %6.2f | %6.2f",
                median(read) * 1e6,
                Double(stored.payload.count) / median(read) / 1e9,
                Double(stored.payload.count) / median(verified) / 1e9
            )
        )
    }
    return "| \(String(format: "%9d", stored.payload.count)) | \(cells.joined(separator: " | ")) |"
}

print("## Page size (\(recordCount) records, random 32-byte digests)\n")
print("| page | payload B | B/entry | 1-key p50 µs | 800-batch p50 µs/key | 800-batch mean µs/key |")
print("|---|---|---|---|---|---|")
for pageSize in [4096, 8192, 16384, 65536] { print(try await measurePageSize(pageSize)) }

print("\n## Inline versus side file (one record read warm, median)\n")
print("| payload B | inline µs | inline GB/s | inline+CRC GB/s | side µs | side GB/s | side+CRC GB/s |")
print("|---|---|---|---|---|---|---|")
for bytes in [16 << 10, 64 << 10, 256 << 10, 1 << 20, 8_300_000] { print(try await measurePayload(bytes: bytes)) }
try? FileManager.default.removeItem(atPath: folder)
