internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheSQLiteTesting
internal import EmbeddingCacheTesting
internal import Foundation
internal import GRDB
internal import Testing

/// A damaged store is never a dead end: seeded bit flips over every part of the file, then a
/// rebuild that must open, verify, keep every record whose bytes were not hit and serve nothing
/// wrong. (`embcache-benchmarks --suites bitflips` runs more trials and prints the totals.)
struct SQLiteRepairTests {
    static let trials = RepairTrial.Fault.allCases.flatMap { fault in
        (1...20).map { RepairTrial(fault: fault, seed: UInt64($0)) }
    }

    @Test(arguments: trials)
    func repairKeepsEveryUnhitRecordAndServesNothingWrong(trial: RepairTrial) async throws {
        let folder = try TemporaryFolder()
        let outcome = try await trial.run(in: folder.path)
        #expect(outcome.failure == nil)
        #expect(outcome.opened)
        #expect(outcome.faults > 0)
        #expect(outcome.wrongVectors == 0)
        #expect(outcome.lostUnhit == 0, "kept \(outcome.kept) of \(outcome.records), \(outcome.unhit) unhit")
        #expect(outcome.kept >= outcome.unhit)
    }
}

/// What a rebuild refuses, and what it keeps that the trials do not reach.
struct SQLiteRebuildTests {
    private let namespace = Fixtures.namespace

    private func writeRecords(_ count: Int, to store: SQLiteEmbeddingStore) async throws -> [StoreEntry] {
        let entries = (0..<UInt64(count)).map { Fixtures.entry(seed: $0, dimension: 384) }
        try await store.put(entries, in: namespace)
        return entries
    }

    /// Overwrites the start of page `page` (counting from 1) of the file at `path`.
    private func smash(_ path: String, page: Int) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64((page - 1) * 8192))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 100))
    }

    @Test func aDamagedFileIsAStoreDamagedErrorNamingTheRepairCommand() async throws {
        let folder = try TemporaryFolder()
        let entries = try await writeRecords(200, to: try folder.store())
        try smash(folder.databasePath, page: 4)
        let error = await #expect(throws: EmbeddingCacheError.self) {
            let store = try folder.store()
            for entry in entries { _ = try await store.records(for: [entry.digest], in: namespace) }
            try await store.checkStructure()
        }
        #expect(error?.code == .storeDamaged)
        #expect(error?.message.contains(folder.databasePath) == true)
        #expect(error?.message.contains("embcache verify --repair --store \(folder.databasePath)") == true)
    }

    @Test func aStoreThatIsOpenIsNotRebuilt() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        _ = try await writeRecords(10, to: store)
        // Attributes only: reading the file would open and close it, which releases SQLite's own
        // locks on it in this process.
        let before = try FileManager.default.attributesOfItem(atPath: folder.databasePath)[.modificationDate] as? Date
        let error = #expect(throws: EmbeddingCacheError.self) {
            try SQLiteEmbeddingStore.rebuild(at: folder.databasePath)
        }
        #expect(error?.message.contains("this process has it open") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("embcache verify --repair") == true)
        #expect(
            try FileManager.default.attributesOfItem(atPath: folder.databasePath)[.modificationDate] as? Date == before
        )
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/store").allSatisfy {
                !$0.contains("damaged")
            }
        )
        #expect(try await store.records(for: [Fixtures.digest(seed: 3)], in: namespace)[0] != nil)
    }

    @Test func recordsStillInTheWriteAheadLogAreKept() async throws {
        let folder = try TemporaryFolder()
        let copy = "\(folder.path)/copy.sqlite"
        let entries: [StoreEntry]
        do {
            let store = try folder.store()
            entries = try await writeRecords(200, to: store)
            // A copy taken while the store is open holds its records in the log, as after a crash.
            for suffix in ["", "-wal"] {
                try FileManager.default.copyItem(atPath: folder.databasePath + suffix, toPath: copy + suffix)
            }
        }
        let log = try FileManager.default.attributesOfItem(atPath: "\(copy)-wal")[.size] as? Int
        #expect((log ?? 0) > 0)
        try smash(copy, page: 1)

        let report = try SQLiteEmbeddingStore.rebuild(at: copy)
        #expect(report.kept == 200 && report.dropped == 0)
        #expect(FileManager.default.fileExists(atPath: "\(report.damagedFile)-wal"))
        let store = try SQLiteEmbeddingStore(path: copy)
        let found = try await store.records(for: entries.map(\.digest), in: namespace)
        #expect(found == entries.map(\.record))
    }

    @Test func aFileWithNoWholePageIsRebuiltEmpty() async throws {
        let folder = try TemporaryFolder()
        _ = try await writeRecords(10, to: try folder.store())
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: folder.databasePath))
        try handle.truncate(atOffset: 300)
        try handle.close()
        let report = try SQLiteEmbeddingStore.rebuild(at: folder.databasePath)
        #expect(report.kept == 0)
        try await folder.store().checkStructure()
    }

    @Test func recordsDeletedBeforeTheDamageDoNotComeBack() async throws {
        let folder = try TemporaryFolder()
        let entries = try await writeRecords(300, to: try folder.store())
        // Without secure delete, freed pages keep the deleted rows' bytes.
        let database = try DatabaseQueue(path: folder.databasePath)
        try await database.write { db in
            try db.execute(sql: "PRAGMA secure_delete = OFF")
            try db.execute(sql: "DELETE FROM entry WHERE rowid <= 200")
        }
        let freePages = try await database.read { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") }
        try database.close()
        #expect((freePages ?? 0) > 0)

        let report = try SQLiteEmbeddingStore.rebuild(at: folder.databasePath)
        #expect(report.kept == 100)
        let store = try folder.store()
        let found = try await store.records(for: entries.map(\.digest), in: namespace)
        #expect(found.prefix(200).allSatisfy { $0 == nil })
        #expect(Array(found.suffix(100)) == entries.suffix(100).map(\.record))
    }

    @Test func theRebuiltFileKeepsTheDamagedFilesPermissions() async throws {
        let folder = try TemporaryFolder()
        _ = try await writeRecords(10, to: try folder.store())
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder.databasePath)
        _ = try SQLiteEmbeddingStore.rebuild(at: folder.databasePath)
        let permissions = try FileManager.default.attributesOfItem(atPath: folder.databasePath)[.posixPermissions]
        #expect(permissions as? Int == 0o600)
    }
}
