import EmbeddingCache
import EmbeddingCacheImages

/// What one `near-duplicates` run found: the `--json` object, also printed as lines for people.
struct NearDuplicatesReport: Encodable {
    /// Two images whose hashes are within the distance.
    struct Pair: Encodable {
        var first: String
        var second: String
        var distance: Int
        var firstHash: String
        var secondHash: String
        /// With `--verify`: the cosine of the two embeddings, absent when either failed.
        var cosine: Double?
        /// With `--verify`: whether the cosine is below `--min-cosine`, absent without a cosine.
        var falsePositive: Bool?
    }

    var images: Int
    var hashed: Int
    var unreadable: Int
    var failures: [EmbedReport.Failure]
    var hash: String
    var maxDistance: Int
    var pairs: [Pair]
    var seconds: Double
    var hashSeconds: Double
    var searchSeconds: Double
    var minCosine: Double?
    var falsePositives: Int?
    var hits: Int?
    var misses: Int?
    var namespace: NamespaceReport?
    var store: String?

    /// The hashing and search results, before any verification.
    ///
    /// - Parameters:
    ///   - images: The files after folder expansion.
    ///   - failures: The files that could not be hashed.
    ///   - hashed: The files hashed, with their hashes: the positions pairs refer to.
    ///   - algorithm: The hash used.
    ///   - maxDistance: The distance searched.
    ///   - pairs: The pairs found among `hashed`.
    init(
        images: Int,
        failures: [EmbedReport.Failure],
        hashed: [(path: String, hash: PerceptualHash)],
        algorithm: PerceptualHash.Algorithm,
        maxDistance: Int,
        pairs: [NearDuplicatePair]
    ) {
        self.images = images
        self.failures = failures
        self.hashed = hashed.count
        unreadable = failures.count
        hash = algorithm.rawValue
        self.maxDistance = maxDistance
        self.pairs = pairs.map { pair in
            let (first, second) = (hashed[pair.first], hashed[pair.second])
            return Pair(
                first: first.path,
                second: second.path,
                distance: pair.distance,
                firstHash: first.hash.hex,
                secondHash: second.hash.hex
            )
        }
        seconds = 0
        hashSeconds = 0
        searchSeconds = 0
    }

    /// Adds what `--verify` found: each pair's cosine and verdict, and the cache's counters.
    mutating func add(_ verification: NearDuplicatesVerification.Outcome, minCosine: Double, store: String) {
        for (index, cosine) in verification.cosines.enumerated() {
            pairs[index].cosine = cosine
            pairs[index].falsePositive = cosine.map { $0 < minCosine }
        }
        self.minCosine = minCosine
        falsePositives = pairs.count { $0.falsePositive == true }
        failures += verification.failures
        hits = verification.counters.hits
        misses = verification.counters.misses
        namespace = NamespaceReport(verification.namespace)
        self.store = store
    }

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
