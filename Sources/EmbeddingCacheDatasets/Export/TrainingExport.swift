public import EmbeddingCache
import Foundation

/// Writes every sample's fields as safetensors for a trainer: one `<id>.safetensors` per sample,
/// or shards of `--shard-size` samples, plus `index.json`.
///
/// ```swift
/// var configuration = TrainingExport.Configuration()
/// configuration.shardSize = 1000
/// let report = try await PlanCaches.with(plan, store: store, worker: .init()) { caches in
///     try await TrainingExport(plan: plan, manifest: manifest, caches: caches, out: "export",
///                              configuration: configuration).run()
/// }
/// ```
public struct TrainingExport: Sendable {
    /// What to do with a sample a field of which is not cached.
    public enum OnMiss: String, CaseIterable, Sendable {
        /// Encode and store it, then export it.
        case compute
        /// Leave the sample out; it is listed in the report and the index.
        case skip
        /// Stop (exit 1), naming the first missing sample and field.
        case error
    }

    /// How an export lays out its files and treats samples not cached yet.
    public struct Configuration: Sendable {
        /// What to do with a sample a field of which is not cached; ``OnMiss/compute`` by default.
        public var onMiss = OnMiss.compute
        /// Samples per shard; `nil` (the default) for one file per sample.
        public var shardSize: Int?
        /// Stop at the first field that fails to compute (`--fail-fast`) instead of listing it.
        public var failFast = false

        /// The defaults: compute what is missing, one file per sample.
        public init() {}
    }

    /// The plan naming the fields.
    public let plan: PrecomputePlan
    /// The samples.
    public let manifest: Manifest
    /// One cache per encoder name, as ``PlanCaches`` builds them.
    public let caches: [String: EmbeddingCache]
    /// The folder to write.
    public let out: String
    /// The layout and the treatment of misses.
    public let configuration: Configuration

    private var onMiss: OnMiss { configuration.onMiss }
    private var shardSize: Int? { configuration.shardSize }

    /// Prepares an export.
    ///
    /// - Parameters:
    ///   - plan: The plan naming the fields.
    ///   - manifest: The samples.
    ///   - caches: One cache per encoder name of `plan`.
    ///   - out: The folder to write (created, owner-only, when absent).
    ///   - configuration: The layout and the treatment of misses.
    public init(
        plan: PrecomputePlan,
        manifest: Manifest,
        caches: [String: EmbeddingCache],
        out: String,
        configuration: Configuration = .init()
    ) {
        self.plan = plan
        self.manifest = manifest
        self.caches = caches
        self.out = out
        self.configuration = configuration
    }

    /// One sample's tensors, or why it has none.
    private enum Gathered {
        case tensors([(name: String, tensor: Tensor)])
        case missing(field: String)
        case failed(field: String, reason: String)
    }

    /// Exports every sample.
    ///
    /// - Parameter progress: Called with the number of samples written so far.
    /// - Returns: The counts, the files written and the failures.
    /// - Throws: ``EmbeddingCacheError`` when the store fails or, under `--on-miss error`, naming the
    ///   first missing sample and field (under `failFast`, the first failed one);
    ///   ``OutputError`` when a file cannot be written.
    public func run(progress: @Sendable (Int) -> Void = { _ in }) async throws -> ExportReport {
        let clock = ContinuousClock()
        let start = clock.now
        try manifest.checkIDsNameDistinctFiles(perSample: shardSize == nil)
        try PrivateFiles.createFolder(out)
        var report = ExportReport(samples: manifest.samples.count, out: out)
        var index = ExportIndex(
            layout: shardSize == nil ? "per-sample" : "shards",
            fields: plan.fields.flatMap(\.names),
            samples: [:],
            missing: []
        )
        var shard = [(name: String, tensor: Tensor)]()
        var shardMembers = [String]()
        let starts = Array(stride(from: 0, to: manifest.samples.count, by: Self.chunkSize))
        var fetched = try await starts.isEmpty ? [] : fetch(starts[0])
        for (position, chunkStart) in starts.enumerated() {
            let samples = slice(chunkStart)
            let chunks = fetched
            // The next chunk is looked up (or computed) while this one is written.
            async let next = position + 1 < starts.count ? fetch(starts[position + 1]) : []
            for chunk in chunks {
                report.hits += chunk.hits
                report.misses += chunk.misses
            }
            var files = [SafetensorsFile.Contents]()
            for (offset, sample) in samples.enumerated() {
                switch gather(sample, offset, chunks) {
                case .missing(let field) where onMiss == .error:
                    throw EmbeddingCacheError(
                        .invalidInput,
                        "sample \(sample.id) field \(field) is not cached (--on-miss error)",
                        input: sample.id
                    )
                case .missing:
                    report.skipped.append(sample.id)
                    index.missing.append(sample.id)
                case .failed(let field, let reason) where configuration.failFast:
                    throw EmbeddingCacheError(
                        .encoderFailed,
                        "stopped at the first failed field (--fail-fast): sample \(sample.id) field \(field): \(reason)",
                        input: sample.id
                    )
                case .failed(let field, let reason):
                    report.failed += 1
                    report.failures.append(.init(sample: sample.id, field: field, reason: reason))
                    index.missing.append(sample.id)
                case .tensors(let tensors):
                    report.exported += 1
                    report.tensorBytes += tensors.reduce(0) { $0 + $1.tensor.data.count }
                    if shardSize == nil {
                        let file = "\(sample.id).safetensors"
                        files.append(((out as NSString).appendingPathComponent(file), tensors))
                        index.samples[sample.id] = file
                    } else {
                        shard += tensors.map { ("\(sample.id)/\($0.name)", $0.tensor) }
                        shardMembers.append(sample.id)
                    }
                }
                if let shardSize, shardMembers.count == shardSize {
                    try flush(&shard, &shardMembers, &index, &report)
                }
            }
            try SafetensorsFile.write(files)
            report.files += files.count
            progress(chunkStart + samples.count)
            fetched = try await next
        }
        try flush(&shard, &shardMembers, &index, &report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try OutputFile.write(
            encoder.encode(index),
            to: URL(fileURLWithPath: out).appendingPathComponent("index.json").path
        )
        report.seconds = (clock.now - start).seconds
        return report
    }

    /// Samples per chunk: small enough that looking up the next chunk overlaps writing this one.
    public static let chunkSize = 64

    /// The chunk of samples starting at `start`.
    private func slice(_ start: Int) -> ArraySlice<Manifest.Sample> {
        manifest.samples[start..<min(start + Self.chunkSize, manifest.samples.count)]
    }

    /// Every field of the chunk starting at `start`, fetched concurrently, in plan order.
    private func fetch(_ start: Int) async throws -> [FieldChunk] {
        try await withThrowingTaskGroup(of: (Int, FieldChunk).self) { group in
            for (position, field) in plan.fields.enumerated() {
                group.addTask {
                    let chunk = try await FieldChunk(
                        field,
                        of: slice(start),
                        in: manifest,
                        cache: caches[field.encoder]!,
                        computing: onMiss == .compute,
                        progress: { _ in }
                    )
                    return (position, chunk)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Collects one sample's tensors under the plan's names.
    private func gather(_ sample: Manifest.Sample, _ offset: Int, _ chunks: [FieldChunk]) -> Gathered {
        if shardSize == nil, sample.id.contains("/") || sample.id == "." || sample.id == ".." {
            return .failed(field: plan.fields[0].label, reason: "the id cannot name a file; use --shard-size")
        }
        var tensors = [(name: String, tensor: Tensor)]()
        for (field, chunk) in zip(plan.fields, chunks) {
            switch chunk.records[offset] {
            case .failure(let error): return .failed(field: field.label, reason: error.message)
            case .success(.none): return .missing(field: field.label)
            case .success(.some(let record)):
                guard record.tensors.count == field.names.count else {
                    return .failed(
                        field: field.label,
                        reason: "its record holds \(record.tensors.count) tensors \(record.names), "
                            + "the plan names \(field.names.count)"
                    )
                }
                tensors += zip(field.names, record.tensors).map { ($0, $1.tensor) }
            }
        }
        return .tensors(tensors)
    }

    /// Writes the pending shard, if any, and records its members in the index.
    private func flush(
        _ shard: inout [(name: String, tensor: Tensor)],
        _ members: inout [String],
        _ index: inout ExportIndex,
        _ report: inout ExportReport
    ) throws {
        guard !members.isEmpty else { return }
        let file = String(format: "shard-%05d.safetensors", report.files)
        try SafetensorsFile.write(shard, to: (out as NSString).appendingPathComponent(file))
        for member in members { index.samples[member] = file }
        report.files += 1
        shard.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
    }
}
