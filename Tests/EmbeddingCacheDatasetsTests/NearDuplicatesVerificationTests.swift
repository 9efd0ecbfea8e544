import EmbeddingCacheDatasets
import Testing

/// The cosine near-duplicates verification uses.
struct NearDuplicatesVerificationTests {
    @Test func theCosineIsOneForParallelVectorsZeroForAZeroVectorAndAbsentForDifferentLengths() {
        #expect(NearDuplicatesVerification.cosine([1, 2, 3], [2, 4, 6]).map { abs($0 - 1) < 1e-12 } == true)
        #expect(NearDuplicatesVerification.cosine([1, 0], [0, 1]) == 0)
        #expect(NearDuplicatesVerification.cosine([1, -1], [-1, 1]).map { abs($0 + 1) < 1e-12 } == true)
        #expect(NearDuplicatesVerification.cosine([0, 0], [1, 1]) == 0)
        #expect(NearDuplicatesVerification.cosine([1], [1, 2]) == nil)
    }

    @Test func eachPairedImageIsEmbeddedOnceInOrderOfFirstAppearance() {
        let pairs = [(first: "b", second: "a"), (first: "a", second: "c"), (first: "c", second: "b")]
        #expect(NearDuplicatesVerification.images(in: pairs) == ["b", "a", "c"])
    }
}
