/// What one training export did: counts, files written and failures.
///
/// ```swift
/// let report = try await export.run()
/// print(report.exported, "of", report.samples, "in", report.files, "files")
/// ```
public struct ExportReport: Encodable, Sendable {
    /// Samples in the manifest.
    public var samples: Int
    /// Samples written.
    public var exported = 0
    /// Ids of samples left out because a field was not cached (``TrainingExport/OnMiss/skip``).
    public var skipped: [String] = []
    /// Samples that failed.
    public var failed = 0
    /// Field lookups served from the store.
    public var hits = 0
    /// Field lookups that missed.
    public var misses = 0
    /// Files written, `index.json` aside.
    public var files = 0
    /// Tensor bytes written.
    public var tensorBytes = 0
    /// Wall-clock seconds of the export.
    public var seconds = 0.0
    /// The folder written.
    public var out: String
    /// Every failed (sample, field).
    public var failures: [PrecomputeReport.Failure] = []
}

/// `index.json` of a training export: where each sample's tensors are.
///
/// ```swift
/// let index = try JSONDecoder().decode(ExportIndex.self, from: Data(contentsOf: indexURL))
/// ```
public struct ExportIndex: Codable, Sendable {
    /// `per-sample` (`<id>.safetensors`, tensors named by field) or `shards`
    /// (`shard-NNNNN.safetensors`, tensors named `<id>/<field>`).
    public var layout: String
    /// Every tensor name a sample has, in plan order.
    public var fields: [String]
    /// Sample id to the file holding it.
    public var samples: [String: String]
    /// Samples left out (`--on-miss skip`) or failed.
    public var missing: [String]
}
