/// Finds every pair of perceptual hashes within a Hamming distance, without comparing all pairs.
///
/// The search is multi-index hashing: for a distance `r`, the 64 bits are cut into `r + 1`
/// disjoint chunks, and by the pigeonhole principle two hashes at most `r` bits apart agree
/// exactly on at least one chunk. So each chunk's hashes are grouped by that chunk's value, only
/// hashes sharing a group are compared, and a pair is kept once, under the first chunk it agrees
/// on. Uniformly random hashes give groups of about `n / 2^(64 / (r + 1))`, so 100 000 hashes at
/// distance 4 need about 3 million comparisons rather than 5 billion.
///
/// ```swift
/// let index = NearDuplicateIndex(images.map { PerceptualHash(of: $0) })
/// for pair in index.pairs(maxDistance: 4) {
///     print(paths[pair.first], paths[pair.second], pair.distance)
/// }
/// ```
public struct NearDuplicateIndex: Sendable {
    /// The hashes, in the order given; pairs name them by position.
    public let hashes: [PerceptualHash]

    /// Distances from this one on make chunks of 5 bits or fewer, whose groups are so large that
    /// scanning every pair is as fast.
    static let scanningDistance = 12

    /// Creates an index over `hashes`.
    ///
    /// - Parameter hashes: The hashes, in any order; repeats are allowed (they pair at distance 0).
    public init(_ hashes: [PerceptualHash]) {
        self.hashes = hashes
    }

    /// Every pair of hashes at most `maxDistance` bits apart, sorted by first then second position.
    ///
    /// - Parameter maxDistance: The largest Hamming distance kept, from 0 to 64.
    /// - Returns: The pairs, each once.
    /// - Complexity: O(n · (r + 1) · log n) to group, plus one comparison per pair of hashes that
    ///   agree on a chunk; from a distance of 12, O(n²) (``pairsByScanningAll(maxDistance:)``).
    public func pairs(maxDistance: Int) -> [NearDuplicatePair] {
        precondition((0...64).contains(maxDistance), "a distance between 64-bit hashes is 0…64")
        guard maxDistance < Self.scanningDistance else { return pairsByScanningAll(maxDistance: maxDistance) }
        let masks = Self.chunkMasks(count: maxDistance + 1)
        var pairs: [NearDuplicatePair] = []
        for (chunk, mask) in masks.enumerated() {
            let earlier = masks[..<chunk]
            forEachGroup(of: mask) { group in
                for position in group.indices {
                    let first = group[position]
                    for second in group[(position + 1)...] {
                        let difference = hashes[first].bits ^ hashes[second].bits
                        let distance = difference.nonzeroBitCount
                        // Kept under the first chunk the two agree on, so each pair is reported once.
                        guard distance <= maxDistance, !earlier.contains(where: { difference & $0 == 0 }) else {
                            continue
                        }
                        pairs.append(NearDuplicatePair(first: first, second: second, distance: distance))
                    }
                }
            }
        }
        return pairs.sorted { ($0.first, $0.second) < ($1.first, $1.second) }
    }

    /// Every pair of hashes at most `maxDistance` bits apart, by comparing every pair: the
    /// reference the index is measured and tested against.
    ///
    /// - Parameter maxDistance: The largest Hamming distance kept, from 0 to 64.
    /// - Returns: The pairs, sorted by first then second position.
    /// - Complexity: O(n²).
    public func pairsByScanningAll(maxDistance: Int) -> [NearDuplicatePair] {
        var pairs: [NearDuplicatePair] = []
        hashes.withUnsafeBufferPointer { hashes in
            for first in hashes.indices {
                let bits = hashes[first].bits
                for second in (first + 1)..<hashes.count {
                    let distance = (bits ^ hashes[second].bits).nonzeroBitCount
                    if distance <= maxDistance {
                        pairs.append(NearDuplicatePair(first: first, second: second, distance: distance))
                    }
                }
            }
        }
        return pairs
    }

    /// Calls `body` with the positions of each group of two or more hashes that agree on the bits
    /// of `mask`, in increasing order.
    private func forEachGroup(of mask: UInt64, _ body: (ArraySlice<Int>) -> Void) {
        let order = hashes.indices.sorted { (hashes[$0].bits & mask, $0) < (hashes[$1].bits & mask, $1) }
        var start = 0
        while start < order.count {
            let key = hashes[order[start]].bits & mask
            var end = start + 1
            while end < order.count, hashes[order[end]].bits & mask == key { end += 1 }
            if end - start > 1 { body(order[start..<end]) }
            start = end
        }
    }

    /// `count` disjoint masks of consecutive bits covering all 64, as equal in width as can be.
    static func chunkMasks(count: Int) -> [UInt64] {
        (0..<count).map { chunk in
            let low = chunk * 64 / count
            let high = (chunk + 1) * 64 / count
            let width = high - low
            return (width == 64 ? UInt64.max : (1 << width) - 1) << low
        }
    }
}
