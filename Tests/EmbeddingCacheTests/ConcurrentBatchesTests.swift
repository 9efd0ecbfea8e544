import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Synchronization
import Testing

/// The cache keeps up to ``EmbeddingEncoder/concurrentBatches`` batches with the encoder at once.
struct ConcurrentBatchesTests {
    /// Wraps a ``CountingEncoder``, records how many batches were in `encode` at once, and holds each
    /// batch until `width` are in (or a second has passed), so batches that can overlap do.
    final class OverlapEncoder: EmbeddingEncoder {
        let inner: CountingEncoder
        let concurrentBatches: Int
        private let state = Mutex((inFlight: 0, most: 0))

        init(inner: CountingEncoder, width: Int) {
            self.inner = inner
            self.concurrentBatches = width
        }

        var namespace: Namespace { inner.namespace }
        var preferredBatchSize: Int { inner.preferredBatchSize }
        var schema: RecordSchema { inner.schema }
        /// The most batches that were in `encode` at once.
        var mostInFlight: Int { state.withLock { $0.most } }

        func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
            state.withLock {
                $0.inFlight += 1
                $0.most = max($0.most, $0.inFlight)
            }
            let deadline = ContinuousClock.now + .seconds(1)
            while state.withLock({ $0.most }) < concurrentBatches, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            defer { state.withLock { $0.inFlight -= 1 } }
            return try await inner.encode(batch)
        }
    }

    @Test(arguments: [1, 3])
    func batchesOverlapUpToTheEncodersWidthAndResultsKeepTheirOrder(width: Int) async throws {
        let inner = CountingEncoder(batchSize: 2)
        let encoder = OverlapEncoder(inner: inner, width: width)
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: store, encoder: encoder)
        let inputs = EmbeddingCacheEngineTests.inputs(13)
        let records = try await cache.records(for: inputs)
        #expect(encoder.mostInFlight == width)
        #expect(inner.batchSizes.sorted() == [1, 2, 2, 2, 2, 2, 2])
        let expected = (0..<13).map { inner.expectedVector(for: Array("input-\($0)".utf8)) }
        #expect(EmbeddingCacheEngineTests.vectors(records) == expected)
        let warm = try await cache.results(for: inputs)
        #expect(warm.counters.hits == 13)
    }

    @Test func aFailingStoreStopsTheRunAndKeepsNothingUnstored() async throws {
        let inner = CountingEncoder(batchSize: 2)
        let encoder = OverlapEncoder(inner: inner, width: 3)
        let cache = EmbeddingCache(store: FailingPutStore(), encoder: encoder)
        await #expect(throws: (any Error).self) {
            _ = try await cache.records(for: EmbeddingCacheEngineTests.inputs(12))
        }
    }

    /// A store whose every put fails.
    struct FailingPutStore: ForwardingStore {
        let base: any EmbeddingStore = InMemoryEmbeddingStore()

        func put(_ entries: [StoreEntry], in namespace: Namespace) async throws {
            throw EmbeddingCacheError(.storeFailed, "this test store refuses every write")
        }
    }
}
