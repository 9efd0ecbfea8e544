import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

struct EmbeddingCacheEngineTests {
    static func inputs(_ count: Int, prefix: String = "input") -> [EmbeddingInput] {
        (0..<count).map { .bytes(Data("\(prefix)-\($0)".utf8), label: "\(prefix)-\($0)") }
    }

    static func vectors(_ records: [TensorRecord]) -> [[Float]] {
        records.map { $0["embedding"]!.floatValues() }
    }

    @Test(arguments: LookupPath.allCases) func secondRunIsServedFromTheStoreWithoutEncoding(
        path: LookupPath
    ) async throws {
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: path.store(InMemoryEmbeddingStore()), encoder: encoder)
        let inputs = Self.inputs(40)
        let cold = try await cache.results(for: inputs)
        #expect(cold.counters.misses == 40 && cold.counters.hits == 0 && cold.counters.encoded == 40)
        let warm = try await cache.results(for: inputs)
        #expect(warm.counters.hits == 40 && warm.counters.misses == 0 && warm.counters.encoded == 0)
        #expect(encoder.encodedItems == 40)
        let expected = (0..<40).map { encoder.expectedVector(for: Array("input-\($0)".utf8)) }
        #expect(Self.vectors(try warm.results.map { try $0.get() }) == expected)
        #expect(cache.counters.inputs == 80 && cache.counters.hits == 40)
    }

    /// Past `LookupSplit.threshold` keys, a lookup runs as many concurrent parts; every input
    /// must still get its own record, in order, with hits and misses counted once.
    @Test(arguments: LookupPath.allCases) func aLargeCallLookedUpInConcurrentPartsServesEveryInputItsOwnRecord(
        path: LookupPath
    ) async throws {
        var configuration = EmbeddingCache.Configuration()
        configuration.digestConcurrency = 3
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(
            store: path.store(InMemoryEmbeddingStore()),
            encoder: encoder,
            configuration: configuration
        )
        let stored = Self.inputs(1000)
        _ = try await cache.results(for: stored)
        let names = (0..<1200).map { "input-\($0)" } + (0..<300).map { "input-\($0 * 3)" }
        let order = names.indices.shuffled()
        let result = try await cache.results(for: order.map { .text(names[$0], label: names[$0]) })
        #expect(result.counters.hits == 1300 && result.counters.misses == 200 && result.counters.duplicates == 300)
        #expect(encoder.encodedItems == 1200)
        let expected = order.map { encoder.expectedVector(for: Array(names[$0].utf8)) }
        #expect(Self.vectors(try result.results.map { try $0.get() }) == expected)
    }

    @Test(arguments: LookupPath.allCases) func repeatedInputsAreEncodedOnceAndReturnedInOrder(
        path: LookupPath
    ) async throws {
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: path.store(InMemoryEmbeddingStore()), encoder: encoder)
        let names = ["a", "b", "a", "c", "a", "b"]
        let result = try await cache.results(for: names.map { .text($0, label: $0) })
        #expect(encoder.encodedItems == 3)
        #expect(result.counters.duplicates == 3 && result.counters.encoded == 3 && result.counters.misses == 6)
        let vectors = Self.vectors(try result.results.map { try $0.get() })
        #expect(vectors == names.map { encoder.expectedVector(for: Array($0.utf8)) })
    }

    @Test func missesAreSentInEncoderSizedBatches() async throws {
        let encoder = CountingEncoder(batchSize: 16)
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder)
        _ = try await cache.records(for: Self.inputs(50))
        #expect(encoder.batchSizes == [16, 16, 16, 2])
        var configuration = EmbeddingCache.Configuration()
        configuration.batchSize = 7
        let smaller = CountingEncoder(batchSize: 16)
        _ = try await EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: smaller, configuration: configuration)
            .records(for: Self.inputs(10))
        #expect(smaller.batchSizes == [7, 3])
    }

    @Test(arguments: [
        CountingEncoder.Fault.wrongCount, .wrongShape, .nonFinite, .throwing,
    ])
    func invalidEncoderOutputIsAnErrorAndNothingIsStored(fault: CountingEncoder.Fault) async throws {
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: store, encoder: CountingEncoder(fault: fault))
        let result = try await cache.results(for: Self.inputs(5))
        #expect(result.counters.failed == 5 && result.counters.hits == 0 && result.counters.misses == 0)
        let expectedCode: EmbeddingCacheError.Code = fault == .throwing ? .encoderFailed : .invalidEncoderOutput
        for outcome in result.results {
            guard case .failure(let error) = outcome else {
                Issue.record("invalid output was served")
                continue
            }
            #expect(error.code == expectedCode)
        }
        #expect(await store.statistics().totalEntries == 0)
        await #expect(throws: EmbeddingCacheError.self) { try await cache.records(for: Self.inputs(1)) }
    }

    @Test func invalidOutputErrorsNameTheInputAndNamespaceButNoValues() async throws {
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: CountingEncoder(fault: .nonFinite))
        let result = try await cache.results(for: [.text("secret prompt text", label: "sample-9")])
        guard case .failure(let error) = result.results[0] else {
            Issue.record("NaN output was served")
            return
        }
        #expect(error.code == .invalidEncoderOutput)
        #expect(error.input == "sample-9")
        #expect(error.namespace == cache.namespace.description)
        #expect(!error.debugDescription.contains("secret prompt text"))
        #expect(!error.debugDescription.contains("nan"))
    }

    @Test func aRejectedInputFailsAloneAndTheOthersAreStored() async throws {
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: store, encoder: CountingEncoder(fault: .rejecting(["input-2"])))
        let result = try await cache.results(for: Self.inputs(5))
        #expect(result.counters.failed == 1 && result.counters.misses == 4)
        #expect((try? result.results[2].get()) == nil)
        #expect(await store.statistics().totalEntries == 4)
    }

    @Test func anUnreadableFileFailsAlone() async throws {
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: CountingEncoder())
        let result = try await cache.results(for: [.text("ok", label: "ok"), .file("/nonexistent/x.png")])
        #expect(result.counters.inputs == 2 && result.counters.failed == 1 && result.counters.misses == 1)
        guard case .failure(let error) = result.results[1] else {
            Issue.record("a missing file was served")
            return
        }
        #expect(error.code == .inputUnreadable && error.input == "/nonexistent/x.png")
    }

    @Test(arguments: LookupPath.allCases) func aCorruptRecordIsNeverServedAndIsReplaced(path: LookupPath) async throws {
        let store = InMemoryEmbeddingStore()
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: path.store(store), encoder: encoder)
        let input = EmbeddingInput.text("victim", label: "victim")
        let fresh = try await cache.records(for: [input])
        let digest = ContentDigest(ofText: "victim")
        var stored = try #require(await store.records(for: [digest], in: cache.namespace)[0])
        stored.payload[stored.payload.count - 1] ^= 0x01
        await store.put([StoreEntry(digest: digest, record: stored)], in: cache.namespace)

        let result = try await cache.results(for: [input])
        #expect(result.counters.corrupt == 1 && result.counters.misses == 1 && result.counters.hits == 0)
        #expect(try result.results[0].get() == fresh[0])
        #expect(encoder.encodedItems == 2)
        let after = try await cache.results(for: [input])
        #expect(after.counters.hits == 1 && after.counters.corrupt == 0)
    }

    @Test(arguments: LookupPath.allCases) func concurrentCallersForOneKeyShareOneEncode(path: LookupPath) async throws {
        let encoder = CountingEncoder(delay: .milliseconds(50))
        let cache = EmbeddingCache(store: path.store(InMemoryEmbeddingStore()), encoder: encoder)
        let records = try await withThrowingTaskGroup(of: TensorRecord.self) { group in
            for _ in 0..<16 {
                group.addTask { try await cache.records(for: [.text("shared", label: "shared")])[0] }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(encoder.encodedItems == 1)
        #expect(Set(records).count == 1 && records.count == 16)
    }

    @Test(arguments: LookupPath.allCases) func overlappingConcurrentBatchesEncodeEachKeyOnce(
        path: LookupPath
    ) async throws {
        let encoder = CountingEncoder(batchSize: 4, delay: .milliseconds(5))
        let cache = EmbeddingCache(store: path.store(InMemoryEmbeddingStore()), encoder: encoder)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<8 {
                let inputs = Self.inputs(30).shuffled() + Self.inputs(caller + 1, prefix: "own-\(caller)")
                group.addTask { _ = try await cache.records(for: inputs) }
            }
            try await group.waitForAll()
        }
        #expect(encoder.encodedItems == 30 + (1...8).reduce(0, +))
    }

    @Test func float16StorageIsItsOwnNamespaceAndConsistentFromTheFirstCall() async throws {
        let store = InMemoryEmbeddingStore()
        var configuration = EmbeddingCache.Configuration()
        configuration.storagePolicy = .float16
        let encoder = CountingEncoder()
        let half = EmbeddingCache(store: store, encoder: encoder, configuration: configuration)
        let first = try await half.records(for: Self.inputs(3))
        let second = try await half.records(for: Self.inputs(3))
        #expect(first == second)
        #expect(first.allSatisfy { $0["embedding"]?.dtype == .float16 })
        let lossless = EmbeddingCache(store: store, encoder: encoder)
        let full = try await lossless.results(for: Self.inputs(3))
        #expect(full.counters.misses == 3, "a lossless reader must not be served rounded values")
        #expect(try full.results.allSatisfy { try $0.get()["embedding"]?.dtype == .float32 })
    }

    @Test func bypassingTheCacheNeitherReadsNorWrites() async throws {
        let store = InMemoryEmbeddingStore()
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: store, encoder: encoder)
        _ = try await cache.records(for: Self.inputs(4))
        let result = try await cache.results(for: Self.inputs(4) + Self.inputs(4), bypassingCache: true)
        #expect(result.counters.misses == 8 && result.counters.hits == 0 && result.counters.encoded == 8)
        #expect(await store.statistics().totalEntries == 4)
        #expect(encoder.encodedItems == 12)
    }

    @Test func progressReachesTheInputCount() async throws {
        let seen = ProgressLog()
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: CountingEncoder(batchSize: 3))
        _ = try await cache.results(for: Self.inputs(10) + [.file("/nonexistent")]) { seen.append($0) }
        #expect(seen.values.last?.finished == 11)
        #expect(seen.values.map(\.finished) == seen.values.map(\.finished).sorted())
    }

    /// Progress splits the inputs finished into hits, misses and failures, a repeated input
    /// counting as its first one did.
    @Test func progressCountsHitsMissesAndFailures() async throws {
        let seen = ProgressLog()
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: CountingEncoder(batchSize: 3))
        let inputs = Self.inputs(10)
        _ = try await cache.records(for: Array(inputs.prefix(4)))
        let call = [inputs[0]] + inputs + [.file("/nonexistent")]
        _ = try await cache.results(for: call) { seen.append($0) }
        #expect(seen.values.last == CallProgress(finished: 12, hits: 5, misses: 6))
        #expect(seen.values.last?.failed == 1)
        #expect(zip(seen.values, seen.values.dropFirst()).allSatisfy { $0.hits <= $1.hits && $0.misses <= $1.misses })
    }
}

/// Collects progress callbacks.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [CallProgress] = []
    var values: [CallProgress] { lock.withLock { log } }
    func append(_ value: CallProgress) { lock.withLock { log.append(value) } }
}
