/// The state of one ``EmbeddingCache/results(for:bypassingCache:progress:)`` call.
///
/// Inputs map to unique keys ("slots"); each slot gets one outcome, shared by every input with the
/// same bytes.
struct BatchRun {
    let inputs: [EmbeddingInput]
    let progress: (@Sendable (CallProgress) -> Void)?
    /// Remembered digests of unchanged files, consulted before reading a file input.
    let statMemo: StatMemo?
    var counters = CacheCounters()

    /// Per input: its bytes while they are kept, `.success(nil)` once read, digested and released
    /// (see ``load(_:workers:digesting:)``), or why it could not be read; `nil` until loaded.
    private(set) var loaded: [Result<EncoderInput?, EmbeddingCacheError>?]
    /// Per input: its slot, or `nil` when it failed to load (or is not loaded yet).
    private(set) var slotOfInput: [Int?]
    /// Per slot: the digest, the first input with it, and how many inputs share it.
    private(set) var slots: [(digest: ContentDigest, input: Int, multiplicity: Int)] = []
    /// Per slot: the outcome, once known.
    var outcomes: [FlightOutcome?] = []
    /// The secondary digests computed for slots whose byte digest missed.
    var secondaryDigests = [Int: ContentDigest]()
    private var slotOfDigest = [ContentDigest: Int]()
    /// The inputs finished so far.
    private var finished = CallProgress()

    init(inputs: [EmbeddingInput], progress: (@Sendable (CallProgress) -> Void)?, statMemo: StatMemo? = nil) {
        self.inputs = inputs
        self.progress = progress
        self.statMemo = statMemo
        counters.inputs = inputs.count
        loaded = Array(repeating: nil, count: inputs.count)
        slotOfInput = Array(repeating: nil, count: inputs.count)
    }

    /// One input, read: its bytes, or `nil` once released; its digest, or `nil` when not digested.
    typealias Load = Result<(bytes: EncoderInput?, digest: ContentDigest?), EmbeddingCacheError>

    /// Reads and digests the inputs in `range` on `workers` tasks, then collapses repeated keys
    /// into slots, including keys seen in earlier ranges.
    ///
    /// Without `digesting`, every loaded input gets its own slot and no digest is computed (the
    /// no-cache baseline pays no hashing).
    ///
    /// With it, the bytes of an input read from files are released as soon as they are digested:
    /// a warm pass needs only the digests, and holding every file of a large call in memory until
    /// the end costs more than hashing (fresh pages for each buffer). Misses read their files
    /// again when they are encoded; see ``encoderInputs(_:workers:)``.
    ///
    /// - Returns: The slots this range created, in order.
    mutating func load(_ range: Range<Int>, workers: Int, digesting: Bool) async -> Range<Int> {
        let (inputs, memo) = (self.inputs, statMemo)
        let (loads, seconds) = await Timings.measure {
            await ConcurrentMap.map(count: range.count, workers: workers) { offset in
                Self.load(inputs[range.lowerBound + offset], digesting: digesting, memo: memo)
            }
        }
        counters.timings.digest += seconds
        return collapse(range, loads)
    }

    /// Reads and digests every input as ``load(_:workers:digesting:)`` does, and looks the keys up
    /// with `lookUp` in the same pass (see ``PipelinedLookup``).
    ///
    /// The pass's wall time counts as digesting; its lookups' time, summed over the cores, counts
    /// as looking up as well.
    ///
    /// - Returns: The slots created, in order, and what each one's lookup found.
    /// - Throws: The first error `lookUp` threw.
    mutating func loadAndLookUp(
        workers: Int,
        lookUp: @escaping @Sendable ([ContentDigest]) throws -> [LookupFinding]
    ) async throws -> (slots: Range<Int>, findings: [LookupFinding]) {
        let (inputs, memo) = (self.inputs, statMemo)
        let (pass, seconds) = try await Timings.measure {
            try await PipelinedLookup.run(
                count: inputs.count,
                workers: workers,
                load: { index in
                    Self.load(inputs[index], digesting: true, memo: memo)
                },
                lookUp: lookUp
            )
        }
        counters.timings.digest += seconds
        counters.timings.lookup += pass.lookupSeconds
        let newSlots = collapse(inputs.indices, pass.loads)
        // Every input that loaded was looked up; were one not, its key would be encoded, never served.
        return (newSlots, newSlots.map { pass.findings[slots[$0].input] ?? .absent })
    }

    /// Reads one input and, when `digesting`, digests it, releasing the bytes of files. A single
    /// file that `memo` remembers unchanged is not read at all; one it does not is remembered once
    /// digested.
    private static func load(_ input: EmbeddingInput, digesting: Bool, memo: StatMemo?) -> Load {
        Result { () throws(EmbeddingCacheError) in
            guard digesting else { return (try input.load(), nil) }
            guard let memo, let path = input.singleFile else {
                let loaded = try input.load()
                return (input.isReadFromFiles ? nil : loaded, input.digest(of: loaded))
            }
            return (nil, try memo.digestReading(fileAt: path))
        }
    }

    /// Records the loads of the inputs in `range` and gives each new key a slot.
    ///
    /// - Returns: The slots created, in order.
    private mutating func collapse(_ range: Range<Int>, _ loads: [Load]) -> Range<Int> {
        let firstNewSlot = slots.count
        slots.reserveCapacity(slots.count + range.count)
        outcomes.reserveCapacity(slots.count + range.count)
        slotOfDigest.reserveCapacity(slots.count + range.count)
        var failed = 0
        for (index, load) in zip(range, loads) {
            let digest: ContentDigest?
            switch load {
            case .failure(let error):
                loaded[index] = .failure(error)
                failed += 1
                continue
            case .success(let (bytes, loadedDigest)):
                loaded[index] = .success(bytes)
                digest = loadedDigest
            }
            if let digest, let slot = slotOfDigest[digest] {
                slots[slot].multiplicity += 1
                counters.duplicates += 1
                slotOfInput[index] = slot
                if let outcome = outcomes[slot] { report(1, outcome) }
                continue
            }
            slotOfInput[index] = slots.count
            if let digest { slotOfDigest[digest] = slots.count }
            slots.append((digest ?? ContentDigest.placeholder, index, 1))
            outcomes.append(nil)
        }
        report(failed, nil)
        return firstNewSlot..<slots.count
    }

    /// The encoder inputs of slots, in order: bytes kept in memory, or the input read again, on
    /// every core, and checked against the slot's digest, so that what the encoder sees is exactly
    /// what was looked up and what its record is stored under. An input whose bytes changed since
    /// they were digested fails alone, and nothing is stored for it.
    func encoderInputs(_ slots: [Int], workers: Int) async -> [Result<EncoderInput, EmbeddingCacheError>] {
        let inputs = self.inputs
        let pending = slots.map { slot in
            let (digest, input, _) = self.slots[slot]
            return (input: input, digest: digest, kept: try! loaded[input]!.get())
        }
        return await ConcurrentMap.map(count: pending.count, workers: workers) { index in
            let (position, digest, kept) = pending[index]
            if let kept { return .success(kept) }
            return Result { () throws(EmbeddingCacheError) in
                let input = inputs[position]
                let reloaded = try input.load()
                guard input.digest(of: reloaded) == digest else {
                    throw EmbeddingCacheError(
                        .inputUnreadable,
                        "'\(input.label)' changed while it was being embedded (its bytes no longer match the digest taken moments before); nothing was stored for it, run again",
                        input: input.label
                    )
                }
                return reloaded
            }
        }
    }

    /// Keeps bytes read again for a slot (and checked against its digest) until the slot is
    /// encoded, so that encoding does not read them once more; see ``encoderInputs(_:workers:)``.
    mutating func keep(_ input: EncoderInput, forSlot slot: Int) {
        loaded[slots[slot].input] = .success(input)
    }

    /// Whether a slot's input is a composite of several parts.
    func isComposite(_ slot: Int) -> Bool { inputs[slots[slot].input].isComposite }

    /// The label of a slot's first input.
    func label(_ slot: Int) -> String { inputs[slots[slot].input].label }

    /// Sets a slot's outcome and advances the progress by the inputs that share it.
    mutating func resolve(_ slot: Int, _ outcome: FlightOutcome) {
        outcomes[slot] = outcome
        report(slots[slot].multiplicity, outcome)
    }

    /// Advances the progress by `count` inputs finished with `outcome` (`nil`: unreadable).
    private mutating func report(_ count: Int, _ outcome: FlightOutcome?) {
        guard count > 0 else { return }
        finished.finished += count
        if case .success(let (_, source))? = outcome {
            if source.isHit { finished.hits += count } else { finished.misses += count }
        }
        progress?(finished)
    }

    /// The results in input order, and the counters.
    func finish() -> BatchResult {
        var counters = self.counters
        var hits = [Bool](repeating: false, count: inputs.count)
        let results = inputs.indices.map { index -> Result<TensorRecord, EmbeddingCacheError> in
            if case .failure(let error)? = loaded[index] {
                counters.failed += 1
                return .failure(error)
            }
            switch slotOfInput[index].flatMap({ outcomes[$0] }) {
            case .success(let (record, source))?:
                hits[index] = source.isHit
                if source.isHit { counters.hits += 1 } else { counters.misses += 1 }
                if source == .secondaryKey { counters.secondaryHits += 1 }
                return .success(record)
            case .failure(let error)?:
                counters.failed += 1
                return .failure(error)
            case nil:
                counters.failed += 1
                return .failure(
                    EmbeddingCacheError(.encoderFailed, "no result was produced", input: inputs[index].label)
                )
            }
        }
        // The no-cache baseline's slots carry the placeholder: it digests nothing.
        let digests = slotOfInput.map { slot in slot.map { slots[$0].digest }.flatMap { $0 == .placeholder ? nil : $0 }
        }
        return BatchResult(results: results, counters: counters, digests: digests, hits: hits)
    }
}

extension ContentDigest {
    /// An all-zero digest marking slots that the no-cache path never digests.
    static let placeholder = ContentDigest(bytes: [UInt8](repeating: 0, count: byteCount))!
}
