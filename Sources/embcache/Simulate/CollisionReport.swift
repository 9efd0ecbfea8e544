import EmbeddingCacheSimulation

/// `simulate phash-collisions --json`: the counts, the rate and every colliding pair.
struct CollisionReport: Encodable {
    /// The images scanned: PATH or the synthetic corpus.
    var input: String
    var images: Int
    var classes: Int
    var unreadable: [String]
    var maxDistance: Int
    var crossClassPairs: Int
    var collidingPairs: Int
    var rate: Double
    var pairs: [Pair]
    var files: [String]
    var out: String

    /// One colliding pair, by name.
    struct Pair: Encodable {
        var first: String
        var second: String
        var firstClass: String
        var secondClass: String
        var distance: Int
    }

    init(input: String, result: CollisionResult, files: [String], out: String) {
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
