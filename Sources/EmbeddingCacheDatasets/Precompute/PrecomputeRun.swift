public import EmbeddingCache
import Synchronization

/// Runs a plan over a manifest: one task per encoder, all at once, each going through the samples
/// in chunks and, per chunk, through its fields; or, for `--check`, only looks records up.
///
/// ```swift
/// let report = try await PlanCaches.with(plan, store: store, worker: .init()) { caches in
///     try await PrecomputeRun(plan: plan, manifest: manifest, caches: caches).run(store: "cache.sqlite")
/// }
/// print(report.completeSamples, "of", report.samples)
/// ```
public struct PrecomputeRun: Sendable {
    /// Samples per engine call, so memory stays bounded on huge manifests.
    public static let chunkSize = 4096

    /// The plan whose fields to cache.
    public let plan: PrecomputePlan
    /// The samples.
    public let manifest: Manifest
    /// One cache per encoder name, as ``PlanCaches`` builds them.
    public let caches: [String: EmbeddingCache]
    /// Look up only (`--check`): never encode.
    public let check: Bool
    /// Stop at the first failed field (`--fail-fast`): chunks are then one encoder batch long.
    public let failFast: Bool

    /// Prepares a run.
    ///
    /// - Parameters:
    ///   - plan: The plan whose fields to cache.
    ///   - manifest: The samples.
    ///   - caches: One cache per encoder name of `plan`.
    ///   - check: Only look records up, encoding nothing.
    ///   - failFast: Stop at the first failed field.
    public init(
        plan: PrecomputePlan,
        manifest: Manifest,
        caches: [String: EmbeddingCache],
        check: Bool = false,
        failFast: Bool = false
    ) {
        self.plan = plan
        self.manifest = manifest
        self.caches = caches
        self.check = check
        self.failFast = failFast
    }

    /// One field's outcome over every sample.
    private struct FieldOutcome: Sendable {
        var field: Int
        var hits = 0
        var misses = 0
        var failed = 0
        /// Indices of the samples this field has no record for.
        var incomplete = Set<Int>()
        var failures: [PrecomputeReport.Failure] = []
    }

    /// Runs every encoder's fields concurrently and sums the outcomes.
    ///
    /// Unless this is a check, each encoder first records the namespace it resolved to in the
    /// store (``EncoderNamespaceRecord``), so readers find a field's records without starting it.
    ///
    /// - Parameters:
    ///   - location: How the report names the store.
    ///   - progress: Called with the number of (sample, field) pairs done so far, out of
    ///     ``totalSteps``, from any thread.
    /// - Returns: The counts per field and in total, and the failures.
    /// - Throws: ``EmbeddingCacheError`` when the store fails, or under `failFast` naming the first
    ///   failed field; chunks stored before stay stored.
    public func run(
        store location: String,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> PrecomputeReport {
        let clock = ContinuousClock()
        let start = clock.now
        let progress = SharedProgress(parts: plan.encoderNames.count, progress)
        let outcomes = try await withThrowingTaskGroup(of: [FieldOutcome].self) { group in
            for (part, name) in plan.encoderNames.enumerated() {
                guard let cache = caches[name] else { continue }
                group.addTask { try await self.run(encoder: name, cache: cache) { progress.update(part: part, $0) } }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }.sorted { $0.field < $1.field }
        var report = PrecomputeReport(
            check: check,
            samples: manifest.samples.count,
            store: location,
            fields: plan.fields.map { .init(name: $0.label, encoder: $0.encoder) }
        )
        var incomplete = Set<Int>()
        for outcome in outcomes {
            report.fields[outcome.field].hits = outcome.hits
            report.fields[outcome.field].misses = outcome.misses
            report.fields[outcome.field].failed = outcome.failed
            report.failures += outcome.failures
            incomplete.formUnion(outcome.incomplete)
        }
        report.hits = report.fields.reduce(0) { $0 + $1.hits }
        report.misses = report.fields.reduce(0) { $0 + $1.misses }
        report.failed = report.fields.reduce(0) { $0 + $1.failed }
        report.completeSamples = manifest.samples.count - incomplete.count
        report.seconds = (clock.now - start).seconds
        return report
    }

    /// The number of (sample, field) pairs a run goes through: what ``run(store:progress:)`` counts.
    public var totalSteps: Int { manifest.samples.count * plan.fields.count }

    /// Runs the fields of one encoder over every chunk of samples.
    private func run(
        encoder: String,
        cache: EmbeddingCache,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> [FieldOutcome] {
        if !check, let specification = plan.encoders[encoder] {
            try await EncoderNamespaceRecord.record(cache.namespace, specification: specification, in: cache.store)
        }
        let fields = plan.fields.indices.filter { plan.fields[$0].encoder == encoder }
        var outcomes = fields.map { FieldOutcome(field: $0) }
        var done = 0
        let chunkSize = failFast ? cache.configuration.batchSize(for: cache.encoder) : Self.chunkSize
        for chunkStart in stride(from: 0, to: manifest.samples.count, by: chunkSize) {
            let samples = manifest.samples[chunkStart..<min(chunkStart + chunkSize, manifest.samples.count)]
            for (position, field) in fields.enumerated() {
                let finished = done
                let chunk = try await FieldChunk(
                    plan.fields[field],
                    of: samples,
                    in: manifest,
                    cache: cache,
                    computing: !check,
                    progress: { progress(finished + $0) }
                )
                done += samples.count
                outcomes[position].hits += chunk.hits
                outcomes[position].misses += chunk.misses
                outcomes[position].failed += chunk.failed
                for (offset, record) in chunk.records.enumerated() {
                    switch record {
                    case .success(.some): continue
                    case .success(.none): outcomes[position].incomplete.insert(chunkStart + offset)
                    case .failure(let error) where failFast:
                        let sample = samples[chunkStart + offset].id
                        throw EmbeddingCacheError(
                            error.code,
                            "stopped at the first failed field (--fail-fast): sample \(sample) field \(plan.fields[field].label): \(error.message)",
                            input: sample
                        )
                    case .failure(let error):
                        outcomes[position].incomplete.insert(chunkStart + offset)
                        outcomes[position].failures.append(
                            .init(
                                sample: samples[chunkStart + offset].id,
                                field: plan.fields[field].label,
                                reason: error.message
                            )
                        )
                    }
                }
            }
        }
        return outcomes
    }
}

/// A progress count fed by several concurrent parts, each reporting its own count.
private final class SharedProgress: Sendable {
    private let report: @Sendable (Int) -> Void
    private let counts: Mutex<[Int]>

    /// Creates a count of `parts` concurrent parts, reporting their sum to `report`.
    init(parts: Int, _ report: @escaping @Sendable (Int) -> Void) {
        self.report = report
        counts = Mutex(Array(repeating: 0, count: parts))
    }

    /// Records that `part` has finished `done` items, and reports the sum.
    func update(part: Int, _ done: Int) {
        report(
            counts.withLock { counts in
                counts[part] = done
                return counts.reduce(0, +)
            }
        )
    }
}
