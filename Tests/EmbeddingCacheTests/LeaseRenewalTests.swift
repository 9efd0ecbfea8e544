import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Synchronization
import Testing

/// An encoder slower than the lease keeps its keys: the cache renews its claims while it encodes.
struct LeaseRenewalTests {
    /// A leasing store that counts the claims made on it.
    final class CountingClaims: EmbeddingStoreLeasing, ForwardingStore {
        let leases: InMemoryLeases
        let claims = Mutex(0)
        var base: any EmbeddingStore { leases }

        init(leases: InMemoryLeases) { self.leases = leases }

        func claim(_ digests: [ContentDigest], in namespace: Namespace, for duration: Duration) async throws -> [Bool] {
            claims.withLock { $0 += 1 }
            return try await leases.claim(digests, in: namespace, for: duration)
        }

        func release(_ digests: [ContentDigest], in namespace: Namespace) async throws {
            try await leases.release(digests, in: namespace)
        }
    }

    /// The claims are renewed while the encoder works. Counting renewals rather than timing a rival
    /// host keeps the test sound on a machine too loaded to keep time.
    @Test func aSlowEncodersClaimsAreRenewedWhileItEncodes() async throws {
        let store = CountingClaims(
            leases: InMemoryLeases(base: InMemoryEmbeddingStore(), table: InMemoryLeases.Table())
        )
        var configuration = EmbeddingCache.Configuration()
        configuration.leaseDuration = .milliseconds(300)
        let slow = CountingEncoder(batchSize: 8, delay: .seconds(3))
        let cache = EmbeddingCache(store: store, encoder: slow, configuration: configuration)
        let inputs = (0..<8).map { EmbeddingInput.bytes(Data("slow-\($0)".utf8), label: "slow-\($0)") }
        let result = try await cache.results(for: inputs)
        #expect(result.counters.encoded == 8 && result.counters.failed == 0)
        let claims = store.claims.withLock { $0 }
        #expect(claims >= 3, "one claim and at least two renewals during a 3 s encode of a 300 ms lease: \(claims)")
    }
}
