import EmbeddingCache
import Testing

/// The one rule that cuts large lookups into concurrent parts.
struct LookupSplitTests {
    @Test func smallLookupsAndSingleLanesStayWhole() {
        #expect(LookupSplit.parts(count: 0, concurrency: 4).isEmpty)
        #expect(LookupSplit.parts(count: 255, concurrency: 4) == [0..<255])
        #expect(LookupSplit.parts(count: 5000, concurrency: 1) == [0..<5000])
    }

    @Test func largeLookupsAreCutIntoEqualPartsCoveringEveryKey() {
        #expect(
            LookupSplit.parts(count: 800, concurrency: 8) == stride(from: 0, to: 800, by: 100).map { $0..<$0 + 100 }
        )
        #expect(LookupSplit.parts(count: 257, concurrency: 2) == [0..<129, 129..<257])
        let parts = LookupSplit.parts(count: 1001, concurrency: 3)
        #expect(parts.count == 3 && parts.first?.lowerBound == 0 && parts.last?.upperBound == 1001)
        #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }
}
