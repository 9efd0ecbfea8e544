extension EmbeddingCache {
    /// Encoder batches claimed per lease request: enough to overlap encoding with storing, few
    /// enough that several processes on one dataset share the work chunk by chunk.
    static let batchesPerLease = 4

    /// How often keys leased by another process are looked up again: a fiftieth of the lease,
    /// between 10 ms and 200 ms.
    var leasePollInterval: Duration {
        min(max(configuration.leaseDuration / 50, .milliseconds(10)), .milliseconds(200))
    }

    /// Encodes misses across processes sharing `store`, each key once.
    ///
    /// Keys whose stored record is corrupt are encoded at once, without a lease (a store grants
    /// none on a stored key). Absent keys are claimed a few encoder batches at a time; this caller
    /// encodes and stores the keys granted to it, then releases them. Keys another process holds
    /// are looked up again once every miss was tried; any still absent are claimed again, which
    /// succeeds once their holder released them without storing or let the lease expire, so
    /// nobody waits forever.
    func encodeLeased(_ misses: Misses, _ store: any EmbeddingStoreLeasing, _ run: inout BatchRun) async throws {
        try await encode(misses.corrupt, &run)
        let chunkSize = effectiveBatchSize * max(Self.batchesPerLease, encoder.concurrentBatches)
        var pending = misses.absent[...]
        var waiting = [Int]()
        while !pending.isEmpty || !waiting.isEmpty {
            if pending.isEmpty {
                try await Task.sleep(for: leasePollInterval)
                let found = try await lookUp(waiting, &run, source: .encoder)
                try await encode(found.corrupt, &run)
                waiting = try await encodeClaimed(found.absent, store, &run)
            } else {
                let chunk = Array(pending.prefix(chunkSize))
                pending = pending.dropFirst(chunk.count)
                waiting += try await encodeClaimed(chunk, store, &run)
            }
        }
    }

    /// Claims the slots' keys, encodes and stores those granted, and releases them.
    ///
    /// While they are encoded, the leases are renewed every third of their duration, so an encoder
    /// slower than the lease keeps them and no other process encodes the same keys. When encoding
    /// or storing throws, the leases are left to expire.
    ///
    /// - Returns: The slots whose keys another process holds.
    private func encodeClaimed(
        _ slots: [Int],
        _ store: any EmbeddingStoreLeasing,
        _ run: inout BatchRun
    ) async throws
        -> [Int]
    {
        guard !slots.isEmpty else { return [] }
        let digests = slots.map { run.slots[$0].digest }
        let granted = try await store.claim(digests, in: namespace, for: configuration.leaseDuration)
        guard granted.count == slots.count else {
            throw EmbeddingCacheError(
                .storeFailed,
                "the store answered \(granted.count) of \(slots.count) claims",
                namespace: namespace
            )
        }
        let mine = zip(slots, granted).filter(\.1).map(\.0)
        guard !mine.isEmpty else { return slots }
        let held = mine.map { run.slots[$0].digest }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.renew(held, store) }
            try await encode(mine, &run)
            group.cancelAll()
        }
        try await store.release(held, in: namespace)
        return zip(slots, granted).filter { !$0.1 }.map(\.0)
    }

    /// Claims `digests` again every third of the lease until cancelled. A renewal that fails is
    /// not an error: the keys then stay claimed until the last renewal expires.
    private func renew(_ digests: [ContentDigest], _ store: any EmbeddingStoreLeasing) async {
        let interval = configuration.leaseDuration / 3
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return }
            _ = try? await store.claim(digests, in: namespace, for: configuration.leaseDuration)
        }
    }
}
