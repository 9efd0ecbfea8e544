extension EmbeddingCache {
    /// A validated, sealed record waiting to be stored.
    struct SealedItem: Sendable {
        let slot: Int
        let digest: ContentDigest
        let record: TensorRecord
        let stored: StoredRecord
        /// The record sealed under the input's secondary digest, when one was computed.
        let secondary: StoreEntry?

        /// What the store keeps: the record under its byte digest, and under its secondary one.
        var entries: [StoreEntry] {
            [StoreEntry(digest: digest, record: stored)] + (secondary.map { [$0] } ?? [])
        }
    }

    /// What one store transaction wrote.
    struct StoredBatch: Sendable {
        let items: [SealedItem]
        let seconds: Double
    }

    /// Encodes the slots in encoder-sized batches and stores each valid batch in one transaction.
    ///
    /// Storing batch k overlaps encoding batch k + 1; at most one write is outstanding, so a failing
    /// store stops the run after one batch rather than after the whole input.
    func encode(_ misses: [Int], _ run: inout BatchRun) async throws {
        let batchSize = effectiveBatchSize
        try await withThrowingTaskGroup(of: StoredBatch.self) { group in
            var writing = false
            for start in stride(from: 0, to: misses.count, by: batchSize) {
                let batch = Array(misses[start..<min(start + batchSize, misses.count)])
                let sealed = await encodeAndSeal(batch, &run)
                if writing, let done = try await group.next() { land(done, &run) }
                writing = !sealed.isEmpty
                if writing { group.addTask { try await self.write(sealed) } }
            }
            while let done = try await group.next() { land(done, &run) }
        }
    }

    /// The batch size sent to the encoder: the configured one, else the encoder's preferred one.
    var effectiveBatchSize: Int { max(1, configuration.batchSize ?? encoder.preferredBatchSize) }

    /// Encodes the slots without touching the store: the no-cache baseline.
    func encodeWithoutCache(_ run: inout BatchRun) async throws {
        let slots = Array(run.slots.indices)
        let batchSize = effectiveBatchSize
        for start in stride(from: 0, to: slots.count, by: batchSize) {
            let batch = Array(slots[start..<min(start + batchSize, slots.count)])
            for (slot, record) in await encodeAndValidate(batch, &run) {
                run.resolve(slot, .success((record, .encoder)))
            }
        }
    }

    /// Encodes one batch, validates and seals every record; fails and lands the rejected slots.
    private func encodeAndSeal(_ batch: [Int], _ run: inout BatchRun) async -> [SealedItem] {
        await encodeAndValidate(batch, &run).compactMap { slot, record in
            let digest = run.slots[slot].digest
            do throws(EmbeddingCacheError) {
                let narrowed = try narrow(record)
                return SealedItem(
                    slot: slot,
                    digest: digest,
                    record: narrowed,
                    stored: checksum.seal(narrowed, digest: digest),
                    secondary: run.secondaryDigests[slot].map {
                        StoreEntry(digest: $0, record: checksum.seal(narrowed, digest: $0))
                    }
                )
            } catch {
                fail(slot, error, &run)
                return nil
            }
        }
    }

    /// Calls the encoder for one batch and checks every record against its schema.
    ///
    /// - Returns: The valid records with their slots; every other slot of the batch is failed.
    private func encodeAndValidate(_ slots: [Int], _ run: inout BatchRun) async -> [(Int, TensorRecord)] {
        let (batch, inputs) = await readyInputs(slots, &run)
        guard !batch.isEmpty else { return [] }
        let clock = ContinuousClock()
        let start = clock.now
        run.counters.encoded += batch.count
        let results: [Result<TensorRecord, EmbeddingCacheError>]
        do {
            results = try await encoder.encode(inputs)
        } catch {
            run.counters.encodeSeconds += (clock.now - start).seconds
            let failure =
                (error as? EmbeddingCacheError)
                ?? EmbeddingCacheError(
                    .encoderFailed,
                    "the encoder failed on a batch of \(batch.count)",
                    underlying: error
                )
            for slot in batch { fail(slot, failure, &run) }
            return []
        }
        run.counters.encodeSeconds += (clock.now - start).seconds
        guard results.count == batch.count else {
            let failure = EmbeddingCacheError(
                .invalidEncoderOutput,
                "the encoder returned \(results.count) records for \(batch.count) inputs"
            )
            for slot in batch { fail(slot, failure, &run) }
            return []
        }
        let schema = encoder.schema
        return zip(batch, results).compactMap { slot, result in
            do throws(EmbeddingCacheError) {
                let record = try result.get()
                try schema.validate(record)
                return (slot, record)
            } catch {
                fail(slot, error, &run)
                return nil
            }
        }
    }

    /// Applies the storage policy: float tensors down-cast when the policy asks for it.
    private func narrow(_ record: TensorRecord) throws(EmbeddingCacheError) -> TensorRecord {
        guard let target = configuration.storagePolicy.floatStorageType else { return record }
        var tensors = [(name: String, tensor: Tensor)]()
        for (name, tensor) in record.tensors {
            tensors.append((name, try FloatConversion.narrow(tensor, to: target)))
        }
        return TensorRecord(unchecked: tensors)
    }

    private func write(_ items: [SealedItem]) async throws -> StoredBatch {
        let clock = ContinuousClock()
        let start = clock.now
        try await store.put(items.flatMap(\.entries), in: namespace)
        for item in items { flights.land(item.digest, .success((item.record, .encoder))) }
        return StoredBatch(items: items, seconds: (clock.now - start).seconds)
    }

    private func land(_ batch: StoredBatch, _ run: inout BatchRun) {
        run.counters.storeSeconds += batch.seconds
        for item in batch.items { run.resolve(item.slot, .success((item.record, .encoder))) }
    }

    /// The inputs of slots about to be encoded or digested again (see
    /// ``BatchRun/encoderInputs(_:workers:)``); a slot whose input cannot be read again, or
    /// changed, fails alone. Reading again counts as digest time.
    ///
    /// - Returns: The slots that are ready, and their inputs, in order.
    func readyInputs(_ slots: [Int], _ run: inout BatchRun) async -> (slots: [Int], inputs: [EncoderInput]) {
        let clock = ContinuousClock()
        let start = clock.now
        let loaded = await run.encoderInputs(slots, workers: configuration.digestConcurrency)
        run.counters.digestSeconds += (clock.now - start).seconds
        var ready = (slots: [Int](), inputs: [EncoderInput]())
        for (slot, input) in zip(slots, loaded) {
            switch input {
            case .success(let input):
                ready.slots.append(slot)
                ready.inputs.append(input)
            case .failure(let error):
                fail(slot, error, &run)
            }
        }
        return ready
    }

    /// Fails a slot with `error`, naming its input and the namespace, and releases its waiters.
    func fail(_ slot: Int, _ error: EmbeddingCacheError, _ run: inout BatchRun) {
        var error = error.labelled(run.label(slot))
        if error.namespace == nil { error.namespace = namespace.description }
        run.resolve(slot, .failure(error))
        flights.land(run.slots[slot].digest, .failure(error))
    }
}
