import EmbeddingCacheImages
import Testing

/// The multi-index search finds exactly the pairs a comparison of every pair finds.
@Suite struct NearDuplicateIndexTests {
    /// A deterministic generator of 64-bit values: SplitMix64's finaliser over a counter.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 1
            return SyntheticImage.mix(state)
        }
    }

    /// Random hashes plus clusters of near-duplicates: copies of a hash with a few bits flipped,
    /// and exact repeats.
    static func hashes(count: Int, seed: UInt64) -> [PerceptualHash] {
        var generator = Generator(state: seed)
        var bits = (0..<count).map { _ in generator.next() }
        for cluster in 0..<(count / 20) {
            let centre = bits[cluster * 7 % count]
            for _ in 0..<4 {
                var copy = centre
                for _ in 0..<(generator.next() % 9) { copy ^= 1 << (generator.next() % 64) }
                bits[Int(generator.next() % UInt64(count))] = copy
            }
        }
        bits[count - 1] = bits[0]
        return bits.map(PerceptualHash.init(bits:))
    }

    /// Every pair within `maxDistance`, by the definition: an independent double loop.
    static func expectedPairs(_ hashes: [PerceptualHash], maxDistance: Int) -> [NearDuplicatePair] {
        var pairs: [NearDuplicatePair] = []
        for first in hashes.indices {
            for second in hashes.indices where second > first {
                let distance = (hashes[first].bits ^ hashes[second].bits).nonzeroBitCount
                if distance <= maxDistance { pairs.append(NearDuplicatePair(first: first, second: second, distance: distance)) }
            }
        }
        return pairs
    }

    @Test(arguments: [0, 1, 2, 3, 4, 6, 8, 11, 12, 20])
    func findsExactlyTheBruteForcePairs(maxDistance: Int) {
        let hashes = Self.hashes(count: 3000, seed: UInt64(maxDistance) + 1)
        let expected = Self.expectedPairs(hashes, maxDistance: maxDistance)
        let index = NearDuplicateIndex(hashes)
        #expect(index.pairs(maxDistance: maxDistance) == expected)
        #expect(index.pairsByScanningAll(maxDistance: maxDistance) == expected)
        if maxDistance >= 1 { #expect(expected.count > 100, "the planted clusters pair up") }
    }

    @Test func everyPairAtDistance64() {
        let hashes = Self.hashes(count: 40, seed: 9)
        #expect(NearDuplicateIndex(hashes).pairs(maxDistance: 64).count == 40 * 39 / 2)
    }

    @Test func fewerThanTwoHashesHaveNoPairs() {
        #expect(NearDuplicateIndex([]).pairs(maxDistance: 4).isEmpty)
        #expect(NearDuplicateIndex([PerceptualHash(bits: 7)]).pairs(maxDistance: 4).isEmpty)
    }
}
