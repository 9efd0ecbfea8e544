/// What one training `export` did: the `--json` object, also summarised for people.
struct ExportReport: Encodable {
    var samples: Int
    var exported = 0
    var skipped: [String] = []
    var failed = 0
    var hits = 0
    var misses = 0
    var files = 0
    var tensorBytes = 0
    var seconds = 0.0
    var out: String
    var failures: [PrecomputeReport.Failure] = []

    /// One line for people.
    var summary: String {
        let time = (seconds * 1000).rounded() / 1000
        return "exported \(exported) of \(samples) samples (\(skipped.count) skipped, \(failed) failed) "
            + "as \(files) files, \(tensorBytes) tensor bytes, in \(time) s to \(out)"
    }
}

/// `index.json` of a training export: where each sample's tensors are.
struct ExportIndex: Codable {
    /// `per-sample` (`<id>.safetensors`, tensors named by field) or `shards`
    /// (`shard-NNNNN.safetensors`, tensors named `<id>/<field>`).
    var layout: String
    /// Every tensor name a sample has, in plan order.
    var fields: [String]
    /// Sample id to the file holding it.
    var samples: [String: String]
    /// Samples left out (`--on-miss skip`) or failed.
    var missing: [String]
}
