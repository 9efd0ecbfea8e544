import EmbeddingCache
import EmbeddingCacheDatasets

/// What one `embed` run did: the `--json` object, also summarised for people on stderr.
struct EmbedReport: Encodable {
    /// An input that failed, with the reason.
    typealias Failure = EmbedRun.Failure

    var inputs: Int
    var hits: Int
    var misses: Int
    var duplicates: Int
    var corrupt: Int
    /// Hits found through the pixel digest under `--pixel-key` (counted in `hits` too).
    var pixelHits: Int
    /// Images decoded to digest their pixels: one per byte miss under `--pixel-key`.
    var decoded: Int
    var encoded: Int
    var failed: Int
    var seconds: Double
    var digestSeconds: Double
    var lookupSeconds: Double
    var encodeSeconds: Double
    var storeSeconds: Double
    var namespace: NamespaceReport
    var store: String?
    var output: String?
    var failures: [Failure]

    init(
        counters: CacheCounters,
        seconds: Double,
        namespace: Namespace,
        store: String?,
        output: String?,
        failures: [Failure]
    ) {
        inputs = counters.inputs
        hits = counters.hits
        misses = counters.misses
        duplicates = counters.duplicates
        corrupt = counters.corrupt
        pixelHits = counters.secondaryHits
        decoded = counters.secondaryDigests
        encoded = counters.encoded
        failed = counters.failed
        self.seconds = seconds
        digestSeconds = counters.digestSeconds
        lookupSeconds = counters.lookupSeconds
        encodeSeconds = counters.encodeSeconds
        storeSeconds = counters.storeSeconds
        self.namespace = NamespaceReport(namespace)
        self.store = store
        self.output = output
        self.failures = failures
    }

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
