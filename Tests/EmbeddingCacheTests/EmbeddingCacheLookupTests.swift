import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// ``EmbeddingCache/cachedRecords(for:)``: lookups that never encode.
struct EmbeddingCacheLookupTests {
    @Test(arguments: LookupPath.allCases) func returnsStoredRecordsInOrderAndNilForTheRestWithoutEncoding(
        path: LookupPath
    ) async throws {
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: path.store(InMemoryEmbeddingStore()), encoder: encoder)
        let controls = EmbeddingInput.composite([.text("c1"), .text("c2")], label: "controls")
        let stored = try await cache.records(for: [.text("a", label: "a"), controls])
        #expect(encoder.encodedItems == 2)

        let swapped = EmbeddingInput.composite([.text("c2"), .text("c1")], label: "swapped")
        let found = try await cache.cachedRecords(for: [
            controls, .text("absent", label: "absent"), .text("a", label: "a again"), swapped,
            .file("/nonexistent/x.png"), .text("a", label: "a"),
        ])
        #expect(found == [stored[1], nil, stored[0], nil, nil, stored[0]])
        #expect(encoder.encodedItems == 2, "a lookup never encodes")
        #expect(try await cache.cachedRecords(for: []).isEmpty)
    }

    @Test(arguments: LookupPath.allCases) func aCorruptRecordCountsAsAbsent(path: LookupPath) async throws {
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: path.store(store), encoder: CountingEncoder())
        _ = try await cache.records(for: [.text("victim", label: "victim")])
        let digest = ContentDigest(ofText: "victim")
        var stored = try #require(await store.records(for: [digest], in: cache.namespace)[0])
        stored.payload[stored.payload.count - 1] ^= 0x01
        await store.put([StoreEntry(digest: digest, record: stored)], in: cache.namespace)
        #expect(try await cache.cachedRecords(for: [.text("victim", label: "victim")]) == [nil])
    }
}
