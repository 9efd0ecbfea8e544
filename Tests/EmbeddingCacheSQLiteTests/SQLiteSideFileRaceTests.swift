internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Foundation
internal import GRDB
internal import Testing

/// Side files under writers and removers racing on one file through two stores (as two processes
/// would), and orphans swept; a committed row always has its file.
struct SQLiteSideFileRaceTests {
    private let namespace = Fixtures.namespace

    @Test func writersRacingRemoversNeverLeaveARowWithoutItsFile() async throws {
        let folder = try TemporaryFolder()
        let writer = try folder.store { $0.sideFileThreshold = 512 }
        let remover = try folder.store { $0.sideFileThreshold = 512 }
        let entries = (UInt64(0)..<8).map { Fixtures.entry(seed: $0, dimension: 256) }
        var everything = PruneCriteria()
        everything.namespaces = [namespace]
        let criteria = everything
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<600 { try await writer.put([entries[index % entries.count]], in: namespace) }
            }
            group.addTask {
                for round in 0..<600 {
                    if round.isMultiple(of: 2) {
                        _ = try await remover.prune(criteria)
                    } else {
                        _ = try await remover.delete(entries.map(\.digest), in: namespace)
                    }
                }
            }
            try await group.waitForAll()
        }
        let checksum = RecordChecksum(namespace: namespace)
        let stored = try await writer.records(for: entries.map(\.digest), in: namespace)
        let rowsWithoutTheirFile = zip(entries, stored).filter { entry, record in
            record.map { checksum.open($0, digest: entry.digest) == nil } ?? false
        }
        #expect(rowsWithoutTheirFile.isEmpty)
    }

    @Test func sweepingRemovesOldOrphansKeepsYoungOnesAndRestoresFilesSetAside() async throws {
        let folder = try TemporaryFolder()
        let clock = TestClock(start: Date())
        let store = try folder.store(clock: clock) { $0.sideFileThreshold = 512 }
        let kept = Fixtures.entry(seed: 1, dimension: 256)
        try await store.put([kept], in: namespace)
        let blobs = "\(folder.databasePath).blobs"
        let files = try FileManager.default.contentsOfDirectory(atPath: blobs)
        let name = try #require(files.first)
        // A crash after a removal moved the file aside, before its transaction committed.
        try FileManager.default.moveItem(atPath: "\(blobs)/\(name)", toPath: "\(blobs)/.aside.\(name).123")
        // A crash between writing a side file and committing its row.
        let orphan = name.replacingOccurrences(of: kept.digest.hex, with: Fixtures.digest(seed: 7).hex)
        try Data("orphan".utf8).write(to: URL(fileURLWithPath: "\(blobs)/\(orphan)"))
        #expect(try await store.sweepOrphans() == 0, "a young orphan may belong to a write about to commit")
        #expect(try await store.records(for: [kept.digest], in: namespace) == [kept.record])
        clock.advance(by: 7200)
        #expect(try await store.sweepOrphans() == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobs) == [name])
    }

    @Test func aDryRunPruneWaitsForNoWriter() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.busyTimeout = .milliseconds(500) }
        try await store.put([Fixtures.entry(seed: 1)], in: namespace)
        // Another connection holds the write lock for the whole dry run.
        let other = try DatabaseQueue(path: folder.databasePath)
        let (locked, done) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let holder = Thread {
            try? other.inDatabase { db in
                try db.inTransaction(.immediate) {
                    locked.signal()
                    done.wait()
                    return .rollback
                }
            }
        }
        holder.start()
        locked.wait()
        defer { done.signal() }
        var criteria = PruneCriteria()
        criteria.namespaces = [namespace]
        criteria.dryRun = true
        let report = try await store.prune(criteria)
        #expect(report.entries == 1)
    }
}
