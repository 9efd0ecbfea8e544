/// What the pHash collision scan found.
public struct CollisionResult: Sendable, Hashable, Codable {
    /// One hashed image.
    public struct Image: Sendable, Hashable, Codable {
        /// Its path relative to the scanned folder (or its synthetic name).
        public var name: String
        /// Its class.
        public var group: String
        /// Its 64-bit pHash, 16 hex digits.
        public var hash: String
    }

    /// Two images of different classes within the distance.
    public struct Pair: Sendable, Hashable, Codable {
        /// The position of one image in ``CollisionResult/images``.
        public var first: Int
        /// The position of the other, above ``first``.
        public var second: Int
        /// Their Hamming distance.
        public var distance: Int
    }

    /// The largest Hamming distance counted.
    public var maximumDistance: Int
    /// The images hashed.
    public var images: [Image]
    /// Files left out, each as `name: reason`.
    public var unreadable: [String]
    /// Every cross-class pair within the distance, sorted by first then second image.
    public var crossClassPairs: [Pair]

    /// The number of pairs of images from different classes: `(n² − Σ nᵢ²) / 2`.
    public var crossClassPairTotal: Int {
        let sizes = Dictionary(grouping: images, by: \.group).values.map(\.count)
        return (images.count * images.count - sizes.reduce(0) { $0 + $1 * $1 }) / 2
    }

    /// The number of classes.
    public var classCount: Int { Set(images.map(\.group)).count }

    /// Colliding cross-class pairs over all cross-class pairs; 0 when there are none.
    public var rate: Double {
        crossClassPairTotal > 0 ? Double(crossClassPairs.count) / Double(crossClassPairTotal) : 0
    }
}
