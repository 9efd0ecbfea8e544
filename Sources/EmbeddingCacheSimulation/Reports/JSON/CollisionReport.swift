/// What `simulate phash-collisions --json` prints: the counts, the rate and every colliding pair.
///
/// ```swift
/// let json = try JSONEncoder().encode(CollisionReport(input: "photos/", result: result, files: files, out: "out"))
/// ```
public struct CollisionReport: Encodable, Sendable {
    /// The images scanned: PATH or the synthetic corpus.
    public var input: String
    /// Images scanned.
    public var images: Int
    /// Classes among them.
    public var classes: Int
    /// Files left out, each with the reason.
    public var unreadable: [String]
    /// The largest Hamming distance counted.
    public var maxDistance: Int
    /// Pairs of images from different classes.
    public var crossClassPairs: Int
    /// Cross-class pairs within the distance.
    public var collidingPairs: Int
    /// Colliding pairs over cross-class pairs.
    public var rate: Double
    /// Every colliding pair.
    public var pairs: [Pair]
    /// The files written into the output folder.
    public var files: [String]
    /// The output folder.
    public var out: String

    /// One colliding pair, by name.
    public struct Pair: Encodable, Sendable {
        /// The first image's name.
        public var first: String
        /// The second image's name.
        public var second: String
        /// The first image's class.
        public var firstClass: String
        /// The second image's class.
        public var secondClass: String
        /// The Hamming distance between their hashes.
        public var distance: Int
    }

    /// The JSON object of a result.
    ///
    /// - Parameters:
    ///   - input: The files used: PATH or the synthetic corpus.
    ///   - result: The simulation's result.
    ///   - files: The files written.
    ///   - out: The output folder.
    public init(input: String, result: CollisionResult, files: [String], out: String) {
        self.input = input
        images = result.images.count
        classes = result.classCount
        unreadable = result.unreadable
        maxDistance = result.maximumDistance
        crossClassPairs = result.crossClassPairTotal
        collidingPairs = result.crossClassPairs.count
        rate = result.rate
        pairs = result.crossClassPairs.map { pair in
            let (first, second) = (result.images[pair.first], result.images[pair.second])
            return Pair(
                first: first.name,
                second: second.name,
                firstClass: first.group,
                secondClass: second.group,
                distance: pair.distance
            )
        }
        self.files = files
        self.out = out
    }
}
