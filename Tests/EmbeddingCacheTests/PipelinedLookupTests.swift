import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Synchronization
import Testing

/// The digest pass that looks keys up as it goes, with a store that looks up synchronously.
struct PipelinedLookupTests {
    /// An in-memory store whose first synchronous lookup answers from what is stored when it
    /// starts, then holds its thread until released: another caller can store the keys it missed
    /// before the cache that asked claims them.
    final class HeldLookupStore: ForwardingStore, EmbeddingStoreSynchronousLookup {
        let memory = InMemoryEmbeddingStore()
        var base: any EmbeddingStore { memory }
        private let holding = Mutex(false)
        private let held = Mutex(false)
        private let release = DispatchSemaphore(value: 0)

        /// Whether the first lookup has answered and is being held.
        var isHolding: Bool { holding.withLock { $0 } }

        func recordsSynchronously(for digests: [ContentDigest], in namespace: Namespace) -> [StoredRecord?] {
            let found = memory.recordsSynchronously(for: digests, in: namespace)
            let isFirst = held.withLock { held in
                defer { held = true }
                return !held
            }
            guard isFirst else { return found }
            holding.withLock { $0 = true }
            _ = release.wait(timeout: .now() + 30)
            return found
        }

        func recordPendingUses() async {}

        /// Lets the held lookup return its answer.
        func releaseLookup() { release.signal() }
    }

    /// The held caller's lookup missed the key; the other caller then encoded, stored and released
    /// it. The held caller claims it afterwards, so it must look again rather than encode it twice.
    @Test(.enabled(if: ProcessInfo.processInfo.activeProcessorCount > 1, "the held lookup holds one thread"))
    func aKeyStoredByAnotherCallerAfterThePassMissedItIsServedNotEncodedAgain() async throws {
        let store = HeldLookupStore()
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: store, encoder: encoder)
        let input = EmbeddingInput.text("shared", label: "shared")
        let held = Task { try await cache.results(for: [input]) }
        let deadline = ContinuousClock.now + .seconds(30)
        while !store.isHolding {
            try #require(ContinuousClock.now < deadline, "the first caller never looked the key up")
            try await Task.sleep(for: .milliseconds(1))
        }
        let other = try await cache.results(for: [input])
        store.releaseLookup()
        let late = try await held.value
        #expect(other.counters.misses == 1 && encoder.encodedItems == 1, "the key was encoded twice")
        #expect(late.counters.hits == 1 && late.counters.misses == 0)
        #expect(try late.results[0].get() == other.results[0].get())
    }

    /// Each caller's pass looks the key up before claiming it; with many callers at once, every
    /// key must still be encoded once and every caller served its own inputs' records.
    @Test func concurrentPassesOverOneStoreEncodeEachKeyOnce() async throws {
        let encoder = CountingEncoder(batchSize: 8)
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder)
        let results = try await withThrowingTaskGroup(of: ([EmbeddingInput], [TensorRecord]).self) { group in
            for caller in 0..<12 {
                let inputs =
                    EmbeddingCacheEngineTests.inputs(300).shuffled()
                    + EmbeddingCacheEngineTests.inputs(1, prefix: "own-\(caller)")
                group.addTask { (inputs, try await cache.records(for: inputs)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(encoder.encodedItems == 312)
        for (inputs, records) in results {
            let expected = inputs.map { encoder.expectedVector(for: Array($0.label.utf8)) }
            #expect(EmbeddingCacheEngineTests.vectors(records) == expected)
        }
    }
}
