import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// An encoder slower than the lease keeps its keys: the cache renews its claims while it encodes.
struct LeaseRenewalTests {
    @Test func aSlowEncoderKeepsItsLeaseAndNoOtherHostEncodesItsKeys() async throws {
        let base = InMemoryEmbeddingStore()
        let table = InMemoryLeases.Table()
        var configuration = EmbeddingCache.Configuration()
        configuration.leaseDuration = .seconds(4)
        let slow = CountingEncoder(batchSize: 8, delay: .seconds(10))
        let other = CountingEncoder(batchSize: 8)
        let first = EmbeddingCache(
            store: InMemoryLeases(base: base, table: table),
            encoder: slow,
            configuration: configuration
        )
        let second = EmbeddingCache(
            store: InMemoryLeases(base: base, table: table),
            encoder: other,
            configuration: configuration
        )
        let inputs = (0..<8).map { EmbeddingInput.bytes(Data("slow-\($0)".utf8), label: "slow-\($0)") }
        async let firstRecords = first.records(for: inputs)
        // The first host is encoding once its encoder has been called: its claims are taken.
        while slow.encodedItems == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let secondResult = try await second.results(for: inputs)
        let records = try await firstRecords
        #expect(slow.encodedItems == 8)
        #expect(
            other.encodedItems == 0,
            "the second host must wait for the first, not encode after the lease's first term"
        )
        #expect(secondResult.counters.encoded == 0 && secondResult.counters.failed == 0)
        #expect(try secondResult.results.map { try $0.get() } == records)
    }
}
