import EmbeddingCacheDatasets

extension NearDuplicatesReport {
    /// One tab-separated line per pair for stdout: distance, both hashes, both paths, and with
    /// `--verify` the cosine and `ok` or `false-positive`.
    var lines: [String] {
        pairs.map { pair in
            var fields = ["\(pair.distance)", pair.firstHash, pair.secondHash, pair.first, pair.second]
            if minCosine != nil {
                fields.append(pair.cosine.map { "\(($0 * 10000).rounded() / 10000)" } ?? "-")
                fields.append(pair.falsePositive.map { $0 ? "false-positive" : "ok" } ?? "unverified")
            }
            return fields.joined(separator: "\t")
        }
    }

    /// A line for people on stderr.
    var summary: String {
        let time = (seconds * 1000).rounded() / 1000
        var text = "hashed \(hashed) of \(images) images (\(hash)) in \(time) s, \(unreadable) unreadable; "
        text += "\(pairs.count) pairs within distance \(maxDistance)"
        if let falsePositives, let minCosine {
            text += "; \(falsePositives) flagged as false positives (cosine below \(minCosine))"
        }
        return text
    }
}
