import EmbeddingCache
import Synchronization

/// Runs a plan over a manifest: one task per encoder, all at once, each going through the samples
/// in chunks and, per chunk, through its fields; or, for `--check`, only looks records up.
struct PrecomputeRun {
    /// Samples per engine call, so memory stays bounded on huge manifests.
    static let chunkSize = 4096

    let plan: PrecomputePlan
    let manifest: Manifest
    let caches: [String: EmbeddingCache]
    /// Look up only (`--check`): never encode.
    let check: Bool

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
    /// - Throws: ``EmbeddingCacheError`` when the store fails; chunks stored before stay stored.
    func run(store location: String) async throws -> PrecomputeReport {
        let clock = ContinuousClock()
        let start = clock.now
        let progress = SharedProgress(total: manifest.samples.count * plan.fields.count, parts: plan.encoderNames.count)
        defer { progress.finish() }
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

    /// Runs the fields of one encoder over every chunk of samples.
    private func run(
        encoder: String,
        cache: EmbeddingCache,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> [FieldOutcome] {
        let fields = plan.fields.indices.filter { plan.fields[$0].encoder == encoder }
        var outcomes = fields.map { FieldOutcome(field: $0) }
        var done = 0
        for chunkStart in stride(from: 0, to: manifest.samples.count, by: Self.chunkSize) {
            let samples = manifest.samples[chunkStart..<min(chunkStart + Self.chunkSize, manifest.samples.count)]
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

/// A progress bar fed by several concurrent parts, each reporting its own count.
final class SharedProgress: Sendable {
    private let bar: ProgressBar
    private let counts: Mutex<[Int]>

    /// Creates a bar for `total` items done by `parts` concurrent parts.
    init(total: Int, parts: Int) {
        bar = ProgressBar(total: total)
        counts = Mutex(Array(repeating: 0, count: parts))
    }

    /// Records that `part` has finished `done` items, and redraws.
    func update(part: Int, _ done: Int) {
        bar.update(
            counts.withLock { counts in
                counts[part] = done
                return counts.reduce(0, +)
            }
        )
    }

    /// Clears the bar.
    func finish() { bar.finish() }
}
