internal import EmbeddingCache
internal import FoundationEssentials

extension StoreConformance {
    static let recordChecks: [Check] = [
        Check("batch round trip keeps order, repeats and misses", roundTrip),
        Check("a large batch keeps order, repeats and misses", largeBatch),
        Check("empty lookups and unknown namespaces", emptyLookups),
        Check("namespaces are isolated", namespacesIsolated),
        Check("put replaces", putReplaces),
        Check("put of an empty batch", emptyPut),
        Check("empty payload is not a miss", emptyPayload),
        Check("large payloads round-trip byte-exact", largePayloads),
        Check("concurrent puts and gets", concurrentAccess),
    ]

    /// Looks `entries`' digests up and expects each entry's record back, byte for byte.
    static func expectStored(
        _ entries: [StoreEntry],
        in namespace: Namespace,
        _ store: any EmbeddingStore,
        file: StaticString = #fileID,
        line: UInt = #line
    ) async throws {
        let found = try await store.records(for: entries.map(\.digest), in: namespace)
        for (entry, record) in zip(entries, found) {
            try expect(record != nil, "\(entry.digest) is missing in \(namespace)", file: file, line: line)
            try expect(
                record == entry.record,
                "\(entry.digest) in \(namespace) has \(record?.payload.count ?? 0) bytes, checksum \(record?.checksum ?? 0); expected \(entry.record.payload.count) bytes, checksum \(entry.record.checksum)",
                file: file,
                line: line
            )
        }
    }

    /// Expects none of `digests` in `namespace`.
    static func expectAbsent(
        _ digests: [ContentDigest],
        in namespace: Namespace,
        _ store: any EmbeddingStore,
        file: StaticString = #fileID,
        line: UInt = #line
    ) async throws {
        let found = try await store.records(for: digests, in: namespace)
        try expectEqual(found.count, digests.count, "result count", file: file, line: line)
        for (digest, record) in zip(digests, found) {
            try expect(record == nil, "\(digest) should be absent from \(namespace)", file: file, line: line)
        }
    }

    /// Large enough that a store may split the batch across cores.
    private static func largeBatch(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let entries = (0..<1500).map { Fixtures.entry(seed: UInt64($0), dimension: 4) }
        try await store.put(entries, in: namespace)
        let asked = (0..<3000).map { index -> ContentDigest in
            index % 7 == 3 ? Fixtures.digest(seed: UInt64(100_000 + index)) : entries[(index * 31) % 1500].digest
        }
        let found = try await store.records(for: asked, in: namespace)
        try expectEqual(found.count, asked.count, "result count")
        for (index, record) in found.enumerated() {
            let wanted = index % 7 == 3 ? nil : entries[(index * 31) % 1500].record
            try expect(record == wanted, "position \(index) of a 3 000-key batch holds the wrong record")
        }
    }

    private static func roundTrip(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let entries = (0..<50).map { Fixtures.entry(seed: $0, dimension: 16 + Int($0)) }
        try await store.put(entries, in: namespace)
        let missing = Fixtures.digest(seed: 1000)
        let asked = [entries[3].digest, missing, entries[0].digest, entries[3].digest, entries[49].digest, missing]
        let found = try await store.records(for: asked, in: namespace)
        let expected = [entries[3].record, nil, entries[0].record, entries[3].record, entries[49].record, nil]
        try expectEqual(found.count, asked.count, "result count")
        for (index, (record, wanted)) in zip(found, expected).enumerated() {
            try expect(record == wanted, "result \(index) is \(record == nil ? "missing" : "another record")")
        }
        let checksum = RecordChecksum(namespace: namespace)
        let opened = found[0].flatMap { checksum.open($0, digest: asked[0]) }
        try expect(opened == Fixtures.record(seed: 3, dimension: 19), "the record does not open to what was stored")
        try await expectStored(entries, in: namespace, store)
    }

    private static func emptyLookups(_ store: any EmbeddingStore, _: TestClock) async throws {
        try await expectEqual(store.records(for: [], in: Fixtures.namespace).count, 0, "lookup of nothing")
        try await expectAbsent([Fixtures.digest(seed: 1), Fixtures.digest(seed: 2)], in: Fixtures.namespace, store)
        try await store.put([Fixtures.entry(seed: 1)], in: Fixtures.namespace)
        let unknown = Namespace(model: "never/stored", preprocessing: "none")
        try await expectAbsent([Fixtures.digest(seed: 1)], in: unknown, store)
    }

    private static func namespacesIsolated(_ store: any EmbeddingStore, _: TestClock) async throws {
        let base = Fixtures.namespace
        let namespaces = [
            base,
            Namespace(model: "test/model@2", preprocessing: base.preprocessing),
            Namespace(model: base.model, preprocessing: "resize224"),
            base.storing(.float16),
        ]
        let digest = Fixtures.digest(seed: 42)
        let entries = namespaces.enumerated().map { index, namespace in
            StoreEntry(
                digest: digest,
                record: Fixtures.stored(
                    Fixtures.record(seed: UInt64(index), dimension: 8),
                    digest: digest,
                    in: namespace
                )
            )
        }
        for (entry, namespace) in zip(entries, namespaces) { try await store.put([entry], in: namespace) }
        for (entry, namespace) in zip(entries, namespaces) { try await expectStored([entry], in: namespace, store) }
    }

    private static func putReplaces(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let digest = Fixtures.digest(seed: 5)
        let first = StoreEntry(
            digest: digest,
            record: Fixtures.stored(Fixtures.record(seed: 1, dimension: 8), digest: digest, in: namespace)
        )
        let second = StoreEntry(
            digest: digest,
            record: Fixtures.stored(Fixtures.record(seed: 2, dimension: 32), digest: digest, in: namespace)
        )
        try await store.put([first], in: namespace)
        try await store.put([second], in: namespace)
        try await expectStored([second], in: namespace, store)
        let statistics = try await store.statistics()
        try expectEqual(statistics.totalEntries, 1, "entries after a replacing put")
        try expectEqual(statistics.totalBytes, second.record.payload.count, "bytes after a replacing put")
    }

    private static func emptyPut(_ store: any EmbeddingStore, _: TestClock) async throws {
        try await store.put([], in: Fixtures.namespace)
        try await expectEqual(store.statistics().namespaces.count, 0, "namespaces after an empty put")
    }

    private static func emptyPayload(_ store: any EmbeddingStore, _: TestClock) async throws {
        let entry = StoreEntry(digest: Fixtures.digest(seed: 9), record: StoredRecord(payload: Data(), checksum: 7))
        try await store.put([entry], in: Fixtures.namespace)
        try await expectStored([entry], in: Fixtures.namespace, store)
    }

    private static func largePayloads(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let large = Fixtures.entry(seed: 1, dimension: 9 * 1024 * 1024 / 4)
        let small = Fixtures.entry(seed: 2)
        try await store.put([large, small], in: namespace)
        try await expectStored([small, large, large], in: namespace, store)
        let found = try await store.records(for: [large.digest], in: namespace)
        let opened = found[0].flatMap { RecordChecksum(namespace: namespace).open($0, digest: large.digest) }
        try expect(opened == Fixtures.record(seed: 1, dimension: 9 * 1024 * 1024 / 4), "the 9 MB record does not open")
        let replacement = Fixtures.entry(seed: 3, dimension: 9 * 1024 * 1024 / 4)
        try await store.put([StoreEntry(digest: large.digest, record: replacement.record)], in: namespace)
        try await expectEqual(
            store.records(for: [large.digest], in: namespace)[0]?.payload,
            replacement.record.payload,
            "replaced large payload"
        )
        try await expectEqual(store.delete([large.digest], in: namespace), 1, "large records deleted")
        try await expectAbsent([large.digest], in: namespace, store)
    }

    private static func concurrentAccess(_ store: any EmbeddingStore, _: TestClock) async throws {
        let namespace = Fixtures.namespace
        let tasks = 16
        let perTask = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    let entries = (0..<perTask).map { Fixtures.entry(seed: UInt64(task * perTask + $0)) }
                    for batch in stride(from: 0, to: perTask, by: 5) {
                        try await store.put(Array(entries[batch..<batch + 5]), in: namespace)
                        try await expectStored(Array(entries[..<(batch + 5)]), in: namespace, store)
                        let others = (0..<perTask).map {
                            Fixtures.digest(seed: UInt64(((task + 1) % tasks) * perTask + $0))
                        }
                        _ = try await store.records(for: others, in: namespace)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await expectEqual(store.statistics().totalEntries, tasks * perTask, "entries after concurrent puts")
    }
}
