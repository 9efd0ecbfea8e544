import EmbeddingCacheDatasets

extension EmbedReport {
    /// Two lines for people: the counts, then where the cache lives.
    var summary: String {
        let time = (seconds * 1000).rounded() / 1000
        var text = "embedded \(inputs) inputs in \(time) s: \(hits) hits, \(misses) misses "
        text += "(\(encoded) encoded, \(duplicates) duplicates, \(corrupt) corrupt), \(failed) failed\n"
        if decoded > 0 { text += "pixel key: \(decoded) decoded, \(pixelHits) hits on pixels\n" }
        text += "store: \(store ?? "none (--no-cache)")"
        if let output { text += "\noutput: \(output)" }
        return text
    }
}
