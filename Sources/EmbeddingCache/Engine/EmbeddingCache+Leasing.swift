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
    /// none on a stored key). Absent keys are claimed a few encoder batches at a time (see
    /// ``encodeClaimed(_:_:_:)``); this caller encodes and stores the keys granted to it, then
    /// releases them, renewing every key it holds while it works. Keys another process holds are
    /// looked up again once every miss was tried; any still absent are claimed again, which
    /// succeeds once their holder released them without storing or let the lease expire, so
    /// nobody waits forever.
    func encodeLeased(_ misses: Misses, _ store: any EmbeddingStoreLeasing, _ run: inout BatchRun) async throws {
        try await encode(misses.corrupt, &run)
        let leases = HeldLeases(store: store, namespace: namespace, duration: configuration.leaseDuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await leases.renewUntilCancelled() }
            defer { group.cancelAll() }
            var waiting = try await encodeClaimed(misses.absent, leases, &run)
            while !waiting.isEmpty {
                try await Task.sleep(for: leasePollInterval)
                let found = try await lookUp(waiting, &run, source: .encoder)
                try await encode(found.corrupt, &run)
                waiting = try await encodeClaimed(found.absent, leases, &run)
            }
        }
    }

    /// Claims the slots' keys a chunk at a time, encodes and stores those granted, and releases
    /// them. When encoding or storing throws, the keys still held are left to expire.
    ///
    /// Claims and releases are write transactions on the store; running them while a chunk
    /// encodes was measured slower on SQLite than running them in turn (they queue behind the
    /// chunk's own writes; `docs/reliability.md`), so a chunk's claim, encoding and release
    /// follow one another.
    ///
    /// - Returns: The slots whose keys another process holds.
    private func encodeClaimed(_ slots: [Int], _ leases: HeldLeases, _ run: inout BatchRun) async throws -> [Int] {
        let size = effectiveBatchSize * max(Self.batchesPerLease, encoder.concurrentBatches)
        var waiting = [Int]()
        for chunk in Self.chunks(slots, of: size) {
            let granted = try await leases.claim(chunk.map { run.slots[$0].digest })
            let mine = zip(chunk, granted).filter(\.1).map(\.0)
            waiting += zip(chunk, granted).filter { !$0.1 }.map(\.0)
            try await encode(mine, &run)
            try await leases.release(mine.map { run.slots[$0].digest })
        }
        return waiting
    }
}
