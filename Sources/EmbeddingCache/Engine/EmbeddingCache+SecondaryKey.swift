extension EmbeddingCache {
    /// Checks that the configured secondary key is safe in front of the encoder.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/unsupported`` when the key summarises a view of the
    ///   input that the encoder does not restrict itself to.
    func checkSecondaryKey() throws(EmbeddingCacheError) {
        guard let key = configuration.secondaryKey, key.inputView != encoder.inputView else { return }
        throw EmbeddingCacheError(
            .unsupported,
            "a secondary key over \(key.inputView.rawValue) needs an encoder that reads only "
                + "\(key.inputView.rawValue), and this encoder reads \(encoder.inputView.rawValue): "
                + "two inputs sharing that key could get different records from it",
            namespace: namespace
        )
    }

    /// Looks the byte-digest misses up again under their secondary digests.
    ///
    /// Secondary digests are computed on every core; an input that cannot be digested this way
    /// fails alone. A hit is served and stored under the byte digest as well (one transaction for
    /// the call), so the next lookup hits on bytes. Composite inputs stay misses.
    ///
    /// - Returns: The slots still to encode; each remembers its secondary digest, so the encoded
    ///   record is stored under both digests, and keeps the bytes read for it here, so they are
    ///   encoded without being read a third time.
    func lookUpSecondary(_ misses: Misses, _ key: any SecondaryKey, _ run: inout BatchRun) async throws -> Misses {
        let candidates = misses.all.filter { !run.isComposite($0) }
        guard !candidates.isEmpty else { return misses }
        let (readable, inputs) = await encoding.readyInputs(candidates, &run)
        let workers = configuration.digestConcurrency
        let (digests, seconds) = await Timings.measure {
            await ConcurrentMap.map(count: inputs.count, workers: workers) { index in
                Result { () throws(EmbeddingCacheError) in try key.digest(of: inputs[index]) }
            }
        }
        run.counters.secondaryDigests += readable.count
        run.counters.timings.digest += seconds
        var digested = [Int]()
        for (slot, digest) in zip(readable, digests) {
            switch digest {
            case .success(let digest):
                run.secondaryDigests[slot] = digest
                digested.append(slot)
            case .failure(let error):
                encoding.fail(slot, error, &run)
            }
        }
        try await serveSecondaryHits(digested, &run)
        for (slot, input) in zip(readable, inputs) where run.outcomes[slot] == nil {
            run.keep(input, forSlot: slot)
        }
        let outcomes = run.outcomes
        let unresolved = { (slots: [Int]) in slots.filter { outcomes[$0] == nil } }
        return Misses(absent: unresolved(misses.absent), corrupt: unresolved(misses.corrupt))
    }

    /// Looks the slots up under their secondary digests, resolves the hits and stores each hit
    /// under its byte digest.
    private func serveSecondaryHits(_ slots: [Int], _ run: inout BatchRun) async throws {
        guard !slots.isEmpty else { return }
        let secondary = slots.map { run.secondaryDigests[$0]! }
        let (found, lookupSeconds) = try await Timings.measure {
            try await store.records(for: secondary, in: namespace)
        }
        run.counters.timings.lookup += lookupSeconds
        guard found.count == slots.count else {
            throw EmbeddingCacheError.miscounted(found.count, of: slots.count, "lookups", in: namespace)
        }
        var aliases = [StoreEntry]()
        for (slot, (digest, stored)) in zip(slots, zip(secondary, found)) {
            guard let stored else { continue }
            guard let record = checksum.open(stored, digest: digest) else {
                run.counters.corrupt += 1
                continue
            }
            let byteDigest = run.slots[slot].digest
            aliases.append(StoreEntry(digest: byteDigest, record: checksum.seal(record, digest: byteDigest)))
            run.resolve(slot, .success((record, .secondaryKey)))
            flights.land(byteDigest, .success((record, .secondaryKey)))
        }
        if !aliases.isEmpty {
            let ((), storeSeconds) = try await Timings.measure { try await store.put(aliases, in: namespace) }
            run.counters.timings.store += storeSeconds
        }
    }
}
