internal import EmbeddingCache

extension StoreConformance {
    static let scanChecks: [Check] = [
        Check("paging visits every entry once, in digest order, per namespace", pagingVisitsEveryEntry),
        Check("paging edge cases", pagingEdgeCases),
    ]

    private static let scanned = Namespace(model: "test/scanned@1", preprocessing: "identity")

    /// Reads every page of `namespace`, `limit` entries at a time.
    private static func pages(
        of namespace: Namespace,
        limit: Int,
        _ store: any EmbeddingStore
    ) async throws -> [[StoreEntry]] {
        var pages = [[StoreEntry]]()
        var after: ContentDigest?
        while true {
            let page = try await store.entries(in: namespace, after: after, limit: limit)
            try expect(page.count <= limit, "a page of \(page.count) entries exceeds the limit \(limit)")
            guard let last = page.last else { return pages }
            pages.append(page)
            after = last.digest
        }
    }

    private static func pagingVisitsEveryEntry(_ store: any EmbeddingStore, _: TestClock) async throws {
        let first = (0..<25).map { Fixtures.entry(seed: $0, dimension: 4 + Int($0 % 3)) }
        let second = (100..<107).map { Fixtures.entry(seed: $0, in: scanned) }
        try await store.put(first, in: Fixtures.namespace)
        try await store.put(second, in: scanned)
        for (namespace, entries) in [(Fixtures.namespace, first), (scanned, second)] {
            let expected = entries.sorted { $0.digest < $1.digest }
            for limit in [1, 4, 7, 1000] {
                let pages = try await pages(of: namespace, limit: limit, store)
                try expectEqual(pages.flatMap { $0 }, expected, "entries of \(namespace) paged by \(limit)")
                try expect(
                    pages.dropLast().allSatisfy { $0.count == limit },
                    "only the last page of \(namespace) may be short (limit \(limit))"
                )
            }
        }
    }

    private static func pagingEdgeCases(_ store: any EmbeddingStore, _: TestClock) async throws {
        let entries = (0..<3).map { Fixtures.entry(seed: $0) }.sorted { $0.digest < $1.digest }
        try await store.put(entries, in: Fixtures.namespace)
        try await expectEqual(
            store.entries(in: scanned, after: nil, limit: 10),
            [],
            "entries of a namespace never stored"
        )
        try await expectEqual(
            store.entries(in: Fixtures.namespace, after: entries[2].digest, limit: 10),
            [],
            "entries after the last digest"
        )
        try await expectEqual(
            store.entries(in: Fixtures.namespace, after: Fixtures.digest(seed: 99), limit: 10),
            entries.filter { $0.digest > Fixtures.digest(seed: 99) },
            "entries after a digest that is not stored"
        )
        _ = try await store.delete([entries[1].digest], in: Fixtures.namespace)
        try await expectEqual(
            store.entries(in: Fixtures.namespace, after: entries[0].digest, limit: 10),
            [entries[2]],
            "entries after a delete"
        )
    }
}
