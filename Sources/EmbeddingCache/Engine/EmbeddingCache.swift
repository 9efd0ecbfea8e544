import Synchronization

/// The cache engine: get-or-compute for batches of inputs in front of one encoder and one store.
///
/// For each call it digests every input on every core and looks every key up (during the digest
/// pass when the store looks up synchronously, see ``EmbeddingStoreSynchronousLookup``), verifies
/// each stored record's checksum, collapses repeated inputs, sends only the misses to the encoder
/// in batches of its preferred size, validates what comes back, stores each batch in one
/// transaction as soon as it is validated, and returns results in input order. Concurrent callers
/// missing the same key share one encode.
///
/// ```swift
/// let store = try SQLiteEmbeddingStore(path: SQLiteEmbeddingStore.defaultPath)
/// let cache = EmbeddingCache(store: store, encoder: encoder)
/// let records = try await cache.records(for: paths.map(EmbeddingInput.file))
/// print(cache.counters.hits)
/// ```
public final class EmbeddingCache: Sendable {
    /// The store records are read from and written to.
    public let store: any EmbeddingStore
    /// The encoder misses are sent to.
    public let encoder: any EmbeddingEncoder
    /// The cache's settings.
    public let configuration: Configuration
    /// The namespace entries are stored under: the encoder's, with the configured storage policy.
    public let namespace: Namespace

    let checksum: RecordChecksum
    /// The keys this cache's callers are looking up or encoding (the claim step within a process).
    let flights = SingleFlight()
    /// The look-up step.
    let lookup: StoreLookup
    /// The encode-and-store step.
    let encoding: BatchEncoding
    private let totals = Mutex(CacheCounters())

    /// Creates a cache in front of `encoder`, keeping records in `store`.
    ///
    /// - Parameters:
    ///   - store: Where records live.
    ///   - encoder: The model that computes misses.
    ///   - configuration: Settings; lossless storage by default.
    public init(
        store: any EmbeddingStore,
        encoder: any EmbeddingEncoder,
        configuration: Configuration = Configuration()
    ) {
        self.store = store
        self.encoder = encoder
        self.configuration = configuration
        self.namespace = encoder.namespace.storing(configuration.storagePolicy)
        self.checksum = RecordChecksum(namespace: namespace)
        self.lookup = StoreLookup(
            store: store,
            namespace: namespace,
            checksum: checksum,
            flights: flights,
            concurrency: configuration.digestConcurrency
        )
        self.encoding = BatchEncoding(
            encoder: encoder,
            store: store,
            namespace: namespace,
            checksum: checksum,
            flights: flights,
            configuration: configuration
        )
    }

    /// The counters summed over every call so far.
    public var counters: CacheCounters { totals.withLock { $0 } }

    /// Returns a record for every input, from the store or freshly encoded, in input order.
    ///
    /// - Parameter inputs: The inputs.
    /// - Returns: The records, in input order.
    /// - Throws: The first input's ``EmbeddingCacheError`` when any input failed, or the store's
    ///   error. Use ``results(for:bypassingCache:progress:)`` to keep the other inputs' records.
    public func records(for inputs: [EmbeddingInput]) async throws -> [TensorRecord] {
        try await results(for: inputs).results.map { try $0.get() }
    }

    /// Returns a result for every input, with the call's counters.
    ///
    /// A failed input (unreadable, rejected by the encoder, invalid output) fails alone; every other
    /// input is still served and stored.
    ///
    /// - Parameters:
    ///   - inputs: The inputs.
    ///   - bypassingCache: Encode every input without reading or writing the store (a baseline).
    ///   - progress: Called with the inputs finished so far, and how many of them were hits and
    ///     misses, as batches complete.
    /// - Returns: One result per input in input order, and the counters of this call.
    /// - Throws: ``EmbeddingCacheError`` when the store fails (batches stored before stay stored),
    ///   or when the configured ``Configuration/secondaryKey`` does not suit the encoder.
    public func results(
        for inputs: [EmbeddingInput],
        bypassingCache: Bool = false,
        progress: (@Sendable (CallProgress) -> Void)? = nil
    ) async throws -> BatchResult {
        try checkSecondaryKey()
        var run = BatchRun(inputs: inputs, progress: progress, statMemo: configuration.statMemo)
        if bypassingCache {
            let slots = await run.load(inputs.indices, workers: configuration.digestConcurrency, digesting: false)
            try await encoding.encode(Array(slots), storing: false, &run)
        } else {
            try await serve(&run)
        }
        let result = run.finish()
        totals.withLock { $0.add(result.counters) }
        return result
    }
}

extension EmbeddingCache {
    /// The pipeline behind ``results(for:bypassingCache:progress:)``, step by step:
    ///
    /// 1. Digest every input and look the keys up, in one pass when the store can
    ///    (``StoreLookup``); hits are served.
    /// 2. Claim the keys that missed within this process (``SingleFlight``): a key another caller
    ///    of this cache is already working on is awaited instead.
    /// 3. Look the owned keys up (again, if another caller landed keys since the first lookup),
    ///    and under the secondary key when one is configured.
    /// 4. Encode the misses and store them (``BatchEncoding``), under leases when the store hands
    ///    them out, so processes sharing it encode each key once (``LeasedEncoding``).
    /// 5. Release: land every owned key, so the callers awaiting it get its outcome, then wait for
    ///    the keys other callers own. Owned keys are always landed before waiting, so callers
    ///    never deadlock.
    func serve(_ run: inout BatchRun) async throws {
        let landings = flights.landings
        let (newSlots, pipelined) = try await lookup.digestAndLookUp(&run)
        let pending = newSlots.filter { run.outcomes[$0] == nil }
        let (claims, landingsAtClaim) = flights.claim(pending.map { run.slots[$0].digest })
        let owned = zip(pending, claims).compactMap { slot, claim in
            if case .owned = claim { slot } else { nil }
        }
        do {
            var misses = try await lookup.misses(
                owned: owned,
                pipelined: pipelined,
                landedSince: landingsAtClaim != landings,
                &run
            )
            if let key = configuration.secondaryKey { misses = try await lookUpSecondary(misses, key, &run) }
            if let leasing = store.leasing {
                let leased = LeasedEncoding(
                    leasing: leasing,
                    lookup: lookup,
                    encoding: encoding,
                    duration: configuration.leaseDuration
                )
                try await leased.encode(misses, &run)
            } else {
                try await encoding.encode(misses.all, &run)
            }
        } catch {
            let failure = EmbeddingCacheError.storeFailure(error, in: namespace)
            for slot in owned where run.outcomes[slot] == nil {
                flights.land(run.slots[slot].digest, .failure(failure))
            }
            throw failure
        }
        for (slot, claim) in zip(pending, claims) {
            if case .awaiting(let flight) = claim { run.resolve(slot, await flight.wait()) }
        }
    }
}
