internal import EmbeddingCache
internal import FoundationEssentials

extension StoreConformance {
    static let maintenanceChecks: [Check] = [
        Check("delete counts removed records", deleteCounts),
        Check("delete if unchanged keeps records stored again", deleteIfUnchanged),
        Check("statistics per namespace", statisticsPerNamespace),
        Check("prune by namespace", pruneByNamespace),
        Check("prune by age", pruneByAge),
        Check("prune by size removes least recently used first", pruneBySize),
        Check("a dry-run prune reports and removes nothing", pruneDryRun),
        Check("records of formats 1 and 2 migrate to format 3", formatMigration),
    ]

    private static let other = Namespace(model: "test/other@1", preprocessing: "identity")

    private static func deleteCounts(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let entries = (0..<5).map { Fixtures.entry(seed: $0) }
        try await store.put(entries, in: namespace)
        let removed = try await store.delete(
            [entries[0].digest, entries[1].digest, Fixtures.digest(seed: 99), entries[0].digest],
            in: namespace
        )
        try expectEqual(removed, 2, "records removed")
        try await expectAbsent([entries[0].digest, entries[1].digest], in: namespace, store)
        try await expectStored(Array(entries[2...]), in: namespace, store)
        try await expectEqual(store.delete([entries[2].digest], in: other), 0, "records removed from another namespace")
        try await expectEqual(store.delete([], in: namespace), 0, "records removed by an empty delete")
        try await expectStored(Array(entries[2...]), in: namespace, store)
    }

    /// A record read as corrupt and then stored again (same key, same checksum, new bytes; or new
    /// content) is kept; one still stored as read is removed; large payloads included.
    private static func deleteIfUnchanged(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let entries = [Fixtures.entry(seed: 1), Fixtures.entry(seed: 2), Fixtures.entry(seed: 3, dimension: 400_000)]
        let corrupt = entries.map { entry in
            var payload = entry.record.payload
            payload[payload.startIndex + payload.count / 2] ^= 0x10
            return StoreEntry(
                digest: entry.digest,
                record: StoredRecord(payload: payload, checksum: entry.record.checksum)
            )
        }
        try await store.put(corrupt, in: namespace)
        try await store.put([entries[1]], in: namespace)
        let removed = try await store.deleteIfUnchanged(corrupt + [Fixtures.entry(seed: 99)], in: namespace)
        try expectEqual(removed, 2, "records removed")
        try await expectAbsent([entries[0].digest, entries[2].digest], in: namespace, store)
        try await expectStored([entries[1]], in: namespace, store)
        try await expectEqual(store.deleteIfUnchanged([entries[1]], in: other), 0, "records removed elsewhere")
        try await expectEqual(store.deleteIfUnchanged([], in: namespace), 0, "records removed by an empty call")
        try await expectStored([entries[1]], in: namespace, store)
    }

    private static func statisticsPerNamespace(_ store: any EmbeddingStore, _: TestClock) async throws {
        let first = (0..<3).map { Fixtures.entry(seed: $0, dimension: 8 * (Int($0) + 1)) }
        let second = (3..<5).map { Fixtures.entry(seed: $0, dimension: 100, in: other) }
        try await store.put(first, in: Fixtures.namespace)
        try await store.put(second, in: other)
        let statistics = try await store.statistics()
        let expected = [
            StoreStatistics.NamespaceStatistics(
                namespace: Fixtures.namespace,
                entries: 3,
                bytes: first.reduce(0) { $0 + $1.record.payload.count }
            ),
            StoreStatistics.NamespaceStatistics(
                namespace: other,
                entries: 2,
                bytes: second.reduce(0) { $0 + $1.record.payload.count }
            ),
        ].sorted { $0.namespace.description < $1.namespace.description }
        try expectEqual(statistics.namespaces, expected, "statistics")
        _ = try await store.delete(second.map(\.digest), in: other)
        try await expectEqual(
            store.statistics().namespaces.map(\.namespace),
            [Fixtures.namespace],
            "namespaces after emptying one"
        )
    }

    private static func pruneByNamespace(_ store: any EmbeddingStore, _: TestClock) async throws {
        let first = (0..<4).map { Fixtures.entry(seed: $0) }
        let second = (4..<6).map { Fixtures.entry(seed: $0, in: other) }
        try await store.put(first, in: Fixtures.namespace)
        try await store.put(second, in: other)
        var criteria = PruneCriteria()
        criteria.namespaces = [Fixtures.namespace, Namespace(model: "never/stored", preprocessing: "none")]
        let report = try await store.prune(criteria)
        try expectEqual(
            report,
            PruneReport(entries: 4, bytes: first.reduce(0) { $0 + $1.record.payload.count }),
            "report"
        )
        try await expectAbsent(first.map(\.digest), in: Fixtures.namespace, store)
        try await expectStored(second, in: other, store)
    }

    private static func pruneByAge(_ store: any EmbeddingStore, _ clock: TestClock) async throws {
        let namespace = Fixtures.namespace
        let old = Fixtures.entry(seed: 1)
        let reread = Fixtures.entry(seed: 2)
        let recent = Fixtures.entry(seed: 3)
        try await store.put([old, reread], in: namespace)
        clock.advance(by: step)
        try await store.put([recent], in: namespace)
        _ = try await store.records(for: [reread.digest], in: namespace)
        var criteria = PruneCriteria()
        criteria.unusedSince = clock.now().addingTimeInterval(-step / 2)
        let report = try await store.prune(criteria)
        try expectEqual(report, PruneReport(entries: 1, bytes: old.record.payload.count), "report")
        try await expectAbsent([old.digest], in: namespace, store)
        try await expectStored([reread, recent], in: namespace, store)
    }

    private static func pruneBySize(_ store: any EmbeddingStore, _ clock: TestClock) async throws {
        let namespace = Fixtures.namespace
        let entries = (0..<4).map { Fixtures.entry(seed: $0, dimension: 64) }
        for entry in entries {
            try await store.put([entry], in: namespace)
            clock.advance(by: step)
        }
        _ = try await store.records(for: [entries[0].digest], in: namespace)
        let size = entries[0].record.payload.count
        var criteria = PruneCriteria()
        criteria.maximumBytes = 2 * size + size / 2
        let report = try await store.prune(criteria)
        try expectEqual(report, PruneReport(entries: 2, bytes: 2 * size), "report")
        try await expectAbsent([entries[1].digest, entries[2].digest], in: namespace, store)
        try await expectStored([entries[3], entries[0]], in: namespace, store)
        try await expectEqual(store.prune(criteria), PruneReport(entries: 0, bytes: 0), "report of a second prune")
    }

    private static func pruneDryRun(_ store: any EmbeddingStore, _ clock: TestClock) async throws {
        let namespace = Fixtures.namespace
        let entries = (0..<4).map { Fixtures.entry(seed: $0, dimension: 64) }
        for entry in entries {
            try await store.put([entry], in: namespace)
            clock.advance(by: step)
        }
        try await store.put([Fixtures.entry(seed: 9, in: other)], in: other)
        let size = entries[0].record.payload.count
        var criteria = PruneCriteria()
        criteria.namespaces = [other]
        criteria.maximumBytes = 2 * size
        criteria.dryRun = true
        let before = try await store.statistics().namespaces
        let report = try await store.prune(criteria)
        try expectEqual(
            report,
            PruneReport(entries: 3, bytes: 2 * size + Fixtures.entry(seed: 9, in: other).record.payload.count),
            "dry-run report"
        )
        try await expectEqual(store.statistics().namespaces, before, "statistics after a dry run")
        criteria.dryRun = false
        try await expectEqual(store.prune(criteria), report, "the real prune's report")
    }

    /// Records an older embcache stored, small and large (side files, out-of-line values), read
    /// before and after `RecordFormatMigration`, which rewrites them in format 3.
    private static func formatMigration(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let checksum = RecordChecksum(namespace: namespace)
        let old = (UInt64(0)..<4).map { seed in
            let digest = Fixtures.digest(seed: seed)
            let record = Fixtures.record(seed: seed, dimension: seed < 2 ? 400_000 : 16)
            let version: RecordCodec.FormatVersion = seed.isMultiple(of: 2) ? .v1 : .v2
            return StoreEntry(digest: digest, record: checksum.seal(record, digest: digest, version: version))
        }
        try await store.put(old, in: namespace)
        try await expectStored(old, in: namespace, store)
        let report = try await RecordFormatMigration.run(on: store)
        try expectEqual(report.converted, old.count, "records converted")
        let stored = try await store.records(for: old.map(\.digest), in: namespace)
        for (entry, found) in zip(old, stored) {
            let magic = found.map { String(decoding: $0.payload.prefix(4), as: UTF8.self) }
            try expectEqual(magic, "ECR3", "the migrated record's magic")
            let record = found.flatMap { checksum.open($0, digest: entry.digest) }
            try expect(record != nil, "the migrated record verifies")
            try expectEqual(record, checksum.open(entry.record, digest: entry.digest), "the migrated record's tensors")
        }
        try await expectEqual(RecordFormatMigration.run(on: store).current, old.count, "records current after")
    }
}
