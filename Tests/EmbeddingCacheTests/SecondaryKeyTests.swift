import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// Inputs shaped `content#metadata`: the encoder reads only the content, the way an image encoder
/// reads only decoded pixels, so two inputs with the same content share a secondary key.
private struct ContentOnlyEncoder: EmbeddingEncoder {
    let counting = CountingEncoder()
    var namespace: Namespace { counting.namespace }
    var preferredBatchSize: Int { counting.preferredBatchSize }
    var schema: RecordSchema { counting.schema }
    let inputView: EncoderInputView

    func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        try await counting.encode(batch.map { EncoderInput(parts: [Data(content(of: $0.bytes))], label: $0.label) })
    }
}

private func content(of bytes: Data) -> [UInt8] {
    Array(bytes.prefix { $0 != UInt8(ascii: "#") })
}

/// The secondary key of `content#metadata` inputs: a digest of the content; inputs without a `#`
/// cannot be digested this way.
private struct ContentKey: SecondaryKey {
    let inputView = EncoderInputView.decodedPixels

    func digest(of input: EncoderInput) throws(EmbeddingCacheError) -> ContentDigest {
        guard input.bytes.contains(UInt8(ascii: "#")) else {
            throw EmbeddingCacheError(.invalidInput, "no content marker", input: input.label)
        }
        return ContentDigest(of: Data("content:".utf8) + content(of: input.bytes))
    }
}

struct SecondaryKeyTests {
    fileprivate static func cache(
        _ store: InMemoryEmbeddingStore,
        _ encoder: ContentOnlyEncoder = ContentOnlyEncoder(inputView: .decodedPixels)
    ) -> EmbeddingCache {
        var configuration = EmbeddingCache.Configuration()
        configuration.secondaryKey = ContentKey()
        return EmbeddingCache(store: store, encoder: encoder, configuration: configuration)
    }

    static func input(_ text: String) -> EmbeddingInput { .text(text, label: text) }

    /// A byte miss is read again for its secondary digest; those bytes, checked against the byte
    /// digest, are the ones encoded. An edit after that read (here, when the secondary lookup
    /// arrives) changes nothing: the file is not read a third time.
    @Test func aSecondaryMissIsEncodedFromTheBytesReadForItsSecondaryDigest() async throws {
        let (scratch, paths) = try FileInputRereadTests.files(["cat#v1", "dog#v1"])
        defer { withExtendedLifetime(scratch) {} }
        let store = EditingStore(base: InMemoryEmbeddingStore(), atLookup: 2) {
            try! Data("bird#v9".utf8).write(to: URL(fileURLWithPath: paths[1]))
        }
        let encoder = ContentOnlyEncoder(inputView: .decodedPixels)
        var configuration = EmbeddingCache.Configuration()
        configuration.secondaryKey = ContentKey()
        let cache = EmbeddingCache(store: store, encoder: encoder, configuration: configuration)
        let result = try await cache.results(for: paths.map(EmbeddingInput.file))
        #expect(result.counters.failed == 0 && result.counters.encoded == 2 && result.counters.secondaryDigests == 2)
        let vectors = try result.results.map { try $0.get()["embedding"]!.floatValues() }
        #expect(vectors == ["cat", "dog"].map { encoder.counting.expectedVector(for: Array($0.utf8)) })
        let stored = try await store.base.records(for: [ContentDigest(of: Data("dog#v1".utf8))], in: cache.namespace)
        #expect(stored[0] != nil)
    }

    @Test func aResaveHitsOnTheSecondaryKeyThenOnItsBytes() async throws {
        let store = InMemoryEmbeddingStore()
        let encoder = ContentOnlyEncoder(inputView: .decodedPixels)
        let cache = Self.cache(store, encoder)
        let original = try await cache.results(for: [Self.input("cat#v1")])
        #expect(original.counters.misses == 1 && original.counters.secondaryDigests == 1)

        let resaved = try await cache.results(for: [Self.input("cat#v2")])
        #expect(resaved.counters.hits == 1 && resaved.counters.secondaryHits == 1)
        #expect(resaved.counters.secondaryDigests == 1 && resaved.counters.encoded == 0)
        #expect(try resaved.results[0].get() == original.results[0].get())

        let again = try await cache.results(for: [Self.input("cat#v2")])
        #expect(again.counters.hits == 1 && again.counters.secondaryHits == 0 && again.counters.secondaryDigests == 0)
        #expect(encoder.counting.encodedItems == 1)
        let expected = encoder.counting.expectedVector(for: Array("cat".utf8))
        #expect(try again.results[0].get()["embedding"]!.floatValues() == expected)
    }

    @Test func differentContentMissesOnBothKeys() async throws {
        let encoder = ContentOnlyEncoder(inputView: .decodedPixels)
        let cache = Self.cache(InMemoryEmbeddingStore(), encoder)
        _ = try await cache.results(for: [Self.input("cat#v1")])
        let other = try await cache.results(for: [Self.input("dog#v1")])
        #expect(other.counters.misses == 1 && other.counters.secondaryHits == 0)
        let expected = encoder.counting.expectedVector(for: Array("dog".utf8))
        #expect(try other.results[0].get()["embedding"]!.floatValues() == expected)
    }

    @Test func anEncoderThatReadsBytesIsRefused() async throws {
        let cache = Self.cache(InMemoryEmbeddingStore(), ContentOnlyEncoder(inputView: .bytes))
        let error = await #expect(throws: EmbeddingCacheError.self) {
            try await cache.results(for: [Self.input("cat#v1")])
        }
        #expect(error?.code == .unsupported)
    }

    @Test func anInputWithoutASecondaryKeyFailsAlone() async throws {
        let cache = Self.cache(InMemoryEmbeddingStore())
        let result = try await cache.results(for: [Self.input("cat#v1"), Self.input("plain")])
        #expect(result.counters.misses == 1 && result.counters.failed == 1)
        guard case .failure(let error) = result.results[1] else {
            Issue.record("an input without a secondary key was served")
            return
        }
        #expect(error.code == .invalidInput && error.input == "plain")
    }

    @Test func aCorruptSecondaryRecordIsNeverServed() async throws {
        let store = InMemoryEmbeddingStore()
        let encoder = ContentOnlyEncoder(inputView: .decodedPixels)
        let cache = Self.cache(store, encoder)
        _ = try await cache.results(for: [Self.input("cat#v1")])
        let key = ContentDigest(of: Data("content:cat".utf8))
        var stored = try #require(await store.records(for: [key], in: cache.namespace)[0])
        stored.payload[stored.payload.count - 1] ^= 0x01
        await store.put([StoreEntry(digest: key, record: stored)], in: cache.namespace)

        let resaved = try await cache.results(for: [Self.input("cat#v2")])
        #expect(resaved.counters.corrupt == 1 && resaved.counters.misses == 1 && resaved.counters.secondaryHits == 0)
        let expected = encoder.counting.expectedVector(for: Array("cat".utf8))
        #expect(try resaved.results[0].get()["embedding"]!.floatValues() == expected)
        let repaired = try await cache.results(for: [Self.input("cat#v3")])
        #expect(repaired.counters.secondaryHits == 1)
    }

    @Test func compositeInputsUseTheirByteDigestOnly() async throws {
        let cache = Self.cache(InMemoryEmbeddingStore())
        let sample = EmbeddingInput.composite([.text("cat#v1"), .text("dog#v1")], label: "sample")
        let result = try await cache.results(for: [sample])
        #expect(result.counters.misses == 1 && result.counters.secondaryDigests == 0)
    }
}
