/// The pipeline's encode-and-store step: sends misses to the encoder in batches, validates what
/// comes back against the encoder's schema, seals each record with its checksum, stores each batch
/// in one transaction, and lands the keys, releasing the callers of the same cache that wait for
/// them.
struct BatchEncoding: Sendable {
    let encoder: any EmbeddingEncoder
    let store: any EmbeddingStore
    let namespace: Namespace
    let checksum: RecordChecksum
    let flights: SingleFlight
    let configuration: EmbeddingCache.Configuration

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

    /// One encoder call: the slots sent, and what came back or what the encoder threw.
    struct EncoderCall: Sendable {
        let slots: [Int]
        let outcome: Result<[Result<TensorRecord, EmbeddingCacheError>], any Error>
        let seconds: Double
    }

    /// What a child task of ``encode(_:storing:_:)`` finished.
    private enum Step: Sendable {
        case encoded(EncoderCall)
        case stored(StoredBatch)
    }

    /// Encodes the slots in encoder-sized batches and stores each valid batch in one transaction.
    ///
    /// Without `storing` (the no-cache baseline), each valid record is returned as the encoder
    /// gave it, and nothing is sealed or written.
    ///
    /// Up to ``EmbeddingEncoder/concurrentBatches`` batches are with the encoder at once, and
    /// storing a batch overlaps encoding the next ones. At most one write is outstanding (the others
    /// wait their turn, in the order their batches came back), so a failing store stops the run
    /// after one batch rather than after the whole input.
    func encode(_ slots: [Int], storing: Bool = true, _ run: inout BatchRun) async throws {
        var batches = Self.chunks(slots, of: batchSize)[...]
        let width = max(1, encoder.concurrentBatches)
        try await withThrowingTaskGroup(of: Step.self) { group in
            var encoding = 0
            var writing = false
            var sealed = [[SealedItem]]()[...]
            while true {
                while encoding < width, let batch = batches.popFirst() {
                    guard let ready = await prepare(batch, &run) else { continue }
                    group.addTask { .encoded(await self.call(ready)) }
                    encoding += 1
                }
                if !writing, let items = sealed.popFirst() {
                    group.addTask { .stored(try await self.write(items)) }
                    writing = true
                }
                guard let step = try await group.next() else { return }
                switch step {
                case .encoded(let call):
                    encoding -= 1
                    let records = try finish(call, &run)
                    if storing {
                        let items = seal(records, &run)
                        if !items.isEmpty { sealed.append(items) }
                    } else {
                        for (slot, record) in records { run.resolve(slot, .success((record, .encoder))) }
                    }
                case .stored(let batch):
                    writing = false
                    land(batch, &run)
                }
            }
        }
    }

    /// The batch size sent to the encoder: the configured one, else the encoder's preferred one.
    var batchSize: Int { configuration.batchSize(for: encoder) }

    /// The slots cut into consecutive chunks of `size` (the last one shorter), in order.
    static func chunks(_ slots: [Int], of size: Int) -> [[Int]] {
        stride(from: 0, to: slots.count, by: size).map { Array(slots[$0..<min($0 + size, slots.count)]) }
    }

    /// Validates and seals every record of a batch; fails the slots it rejects.
    private func seal(_ records: [(Int, TensorRecord)], _ run: inout BatchRun) -> [SealedItem] {
        records.compactMap { slot, record in
            let digest = run.slots[slot].digest
            do throws(EmbeddingCacheError) {
                let narrowed = try record.stored(as: configuration.storagePolicy)
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

    /// Reads the inputs of a batch for the encoder and counts them as encoded.
    ///
    /// - Returns: The slots that are ready and their inputs, or `nil` when none is.
    private func prepare(_ slots: [Int], _ run: inout BatchRun) async -> (slots: [Int], inputs: [EncoderInput])? {
        let ready = await readyInputs(slots, &run)
        guard !ready.slots.isEmpty else { return nil }
        run.counters.encoded += ready.slots.count
        return ready
    }

    /// Sends one batch to the encoder; touches no run state, so several can be in flight.
    private func call(_ ready: (slots: [Int], inputs: [EncoderInput])) async -> EncoderCall {
        let (outcome, seconds) = await Timings.measure {
            do {
                return Result<[Result<TensorRecord, EmbeddingCacheError>], any Error>.success(
                    try await encoder.encode(ready.inputs)
                )
            } catch {
                return .failure(error)
            }
        }
        return EncoderCall(slots: ready.slots, outcome: outcome, seconds: seconds)
    }

    /// Checks what the encoder returned for one batch against its schema.
    ///
    /// - Returns: The valid records with their slots; every other slot of the batch is failed.
    /// - Throws: ``EmbeddingCacheError/Code/encoderIdentityChanged`` from the encoder, which fails
    ///   the whole call: what it served so far was looked up under the old identity.
    private func finish(
        _ call: EncoderCall,
        _ run: inout BatchRun
    ) throws(EmbeddingCacheError) -> [(Int, TensorRecord)] {
        run.counters.timings.encode += call.seconds
        let batch = call.slots
        let results: [Result<TensorRecord, EmbeddingCacheError>]
        switch call.outcome {
        case .success(let answered):
            results = answered
        case .failure(let error):
            let failure =
                (error as? EmbeddingCacheError)
                ?? EmbeddingCacheError(
                    .encoderFailed,
                    "the encoder failed on a batch of \(batch.count)",
                    underlying: error
                )
            if failure.code == .encoderIdentityChanged { throw failure }
            for slot in batch { fail(slot, failure, &run) }
            return []
        }
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

    private func write(_ items: [SealedItem]) async throws -> StoredBatch {
        let ((), seconds) = try await Timings.measure { try await store.put(items.flatMap(\.entries), in: namespace) }
        for item in items { flights.land(item.digest, .success((item.record, .encoder))) }
        return StoredBatch(items: items, seconds: seconds)
    }

    private func land(_ batch: StoredBatch, _ run: inout BatchRun) {
        run.counters.timings.store += batch.seconds
        for item in batch.items { run.resolve(item.slot, .success((item.record, .encoder))) }
    }

    /// The inputs of slots about to be encoded or digested again (see
    /// ``BatchRun/encoderInputs(_:workers:)``); a slot whose input cannot be read again, or
    /// changed, fails alone. Reading again counts as digest time.
    ///
    /// - Returns: The slots that are ready, and their inputs, in order.
    func readyInputs(_ slots: [Int], _ run: inout BatchRun) async -> (slots: [Int], inputs: [EncoderInput]) {
        let workers = configuration.digestConcurrency
        let (loaded, seconds) = await Timings.measure { await run.encoderInputs(slots, workers: workers) }
        run.counters.timings.digest += seconds
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
