extension EmbeddingStore {
    /// Payload bytes read per page by ``forEachPage(of:_:)``, so huge records are not all held at once.
    public static var pageBytes: Int { 64 << 20 }

    /// Reads every record of one namespace, a page at a time, in digest order.
    ///
    /// Pages hold about ``pageBytes`` of payload (the namespace's average record size decides how
    /// many records that is; at most 1 024). Records are as stored, unverified.
    ///
    /// ```swift
    /// for figures in try await store.statistics().namespaces {
    ///     try await store.forEachPage(of: figures) { page in print(page.count) }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - figures: The namespace and its statistics, from ``statistics()``.
    ///   - body: Called with each page; what it throws ends the walk.
    /// - Throws: What the store or `body` throws.
    public func forEachPage(
        of figures: StoreStatistics.NamespaceStatistics,
        _ body: ([StoreEntry]) async throws -> Void
    ) async throws {
        let average = max(1, figures.bytes / max(1, figures.entries))
        let limit = max(1, min(1024, Self.pageBytes / average))
        var after: ContentDigest?
        while true {
            let page = try await entries(in: figures.namespace, after: after, limit: limit)
            guard let last = page.last else { return }
            after = last.digest
            try await body(page)
        }
    }
}
