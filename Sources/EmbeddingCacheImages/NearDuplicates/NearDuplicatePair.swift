/// Two hashes of a ``NearDuplicateIndex`` within the searched distance of each other.
public struct NearDuplicatePair: Hashable, Sendable {
    /// The position of the first hash in the index, always below ``second``.
    public let first: Int
    /// The position of the second hash in the index.
    public let second: Int
    /// Their Hamming distance.
    public let distance: Int

    /// Creates a pair.
    ///
    /// - Parameters:
    ///   - first: The lower position.
    ///   - second: The higher position.
    ///   - distance: The Hamming distance between the two hashes.
    public init(first: Int, second: Int, distance: Int) {
        precondition(first < second, "a pair's first position is the lower")
        self.first = first
        self.second = second
        self.distance = distance
    }
}
