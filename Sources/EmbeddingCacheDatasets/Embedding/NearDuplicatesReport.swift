public import EmbeddingCache
import EmbeddingCacheImages

/// What one near-duplicate search found: the pairs with their hashes, the files that could not be
/// hashed, and, once verified, each pair's cosine and verdict.
///
/// ```swift
/// var report = await NearDuplicatesSearch(maxDistance: 4).run(files: paths)
/// report.add(try await verification.verify(report.pathPairs, store: store), minCosine: 0.95, store: "cache.sqlite")
/// ```
public struct NearDuplicatesReport: Encodable, Sendable {
    /// Two images whose hashes are within the distance.
    public struct Pair: Encodable, Sendable {
        /// The first image's path.
        public var first: String
        /// The second image's path.
        public var second: String
        /// The Hamming distance between their hashes.
        public var distance: Int
        /// The first image's hash, 16 hex digits.
        public var firstHash: String
        /// The second image's hash, 16 hex digits.
        public var secondHash: String
        /// Once verified: the cosine of the two embeddings, absent when either failed.
        public var cosine: Double?
        /// Once verified: whether the cosine is below the minimum, absent without a cosine.
        public var falsePositive: Bool?
    }

    /// The files searched.
    public var images: Int
    /// The files hashed.
    public var hashed: Int
    /// The files that could not be decoded.
    public var unreadable: Int
    /// The files that could not be decoded, then the paired images that could not be embedded.
    public var failures: [EmbedRun.Failure]
    /// The hash used: `phash` or `dhash`.
    public var hash: String
    /// The largest distance searched.
    public var maxDistance: Int
    /// The pairs found.
    public var pairs: [Pair]
    /// Wall-clock seconds of the whole run, as its caller measures it.
    public var seconds: Double
    /// Seconds spent decoding and hashing.
    public var hashSeconds: Double
    /// Seconds spent searching the index.
    public var searchSeconds: Double
    /// Once verified: the cosine below which a pair is a false positive.
    public var minCosine: Double?
    /// Once verified: how many pairs are false positives.
    public var falsePositives: Int?
    /// Once verified: the cache's hits over the paired images.
    public var hits: Int?
    /// Once verified: the cache's misses over the paired images.
    public var misses: Int?
    /// Once verified: the namespace of the embeddings.
    public var namespace: NamespaceReport?
    /// Once verified: the store, as the caller names it.
    public var store: String?

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
        failures: [EmbedRun.Failure],
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

    /// The paths of each pair, in order: what ``NearDuplicatesVerification/verify(_:store:progress:)`` takes.
    public var pathPairs: [(first: String, second: String)] { pairs.map { ($0.first, $0.second) } }

    /// Adds what a verification found: each pair's cosine and verdict, and the cache's counters.
    ///
    /// - Parameters:
    ///   - verification: The verification of ``pathPairs``.
    ///   - minCosine: The cosine below which a pair is a false positive.
    ///   - store: How the report names the store.
    public mutating func add(_ verification: NearDuplicatesVerification.Outcome, minCosine: Double, store: String) {
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
}
