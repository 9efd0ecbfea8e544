import EmbeddingCache
import EmbeddingCacheSimulation
import Testing

/// Served vectors are compared exactly by default, and within a relative L2 distance on request.
struct RecordComparisonTests {
    let fresh = TensorRecord(single: Tensor(float32: [1, 0]))
    // ‖(0, 0.001)‖ / ‖(1, 0)‖ = 0.001.
    let close = TensorRecord(single: Tensor(float32: [1, 0.001]))

    @Test func identicalRecordsMatchAndAnyDifferenceIsWrongByDefault() {
        #expect(RecordComparison().matches(fresh, fresh))
        #expect(!RecordComparison().matches(close, fresh))
    }

    @Test func aToleranceAcceptsCloseVectorsOnly() {
        #expect(RecordComparison(tolerance: 0.0011).matches(close, fresh))
        #expect(!RecordComparison(tolerance: 0.0009).matches(close, fresh))
        let renamed = TensorRecord(single: Tensor(float32: [1, 0]), name: "other")
        #expect(!RecordComparison(tolerance: 1).matches(renamed, fresh))
    }
}
