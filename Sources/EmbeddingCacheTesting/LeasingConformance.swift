public import EmbeddingCache
internal import FoundationEssentials

/// The conformance suite of ``EmbeddingStoreLeasing``: lease semantics on the store, and the
/// cache encoding each key once across hosts, run against every leasing store.
///
/// A check gets several store instances over one backing database, each playing a separate host:
///
/// ```swift
/// @Test(arguments: LeasingConformance.checks)
/// func leasing(check: LeasingConformance.Check) async throws {
///     let table = InMemoryLeases.Table()
///     let base = InMemoryEmbeddingStore()
///     try await check.run { InMemoryLeases(base: base, table: table) }
/// }
/// ```
public enum LeasingConformance {
    /// Makes one more host over the check's shared, initially empty backing store.
    public typealias MakeHost = @Sendable () async throws -> any EmbeddingStoreLeasing

    /// One named check of the suite.
    public struct Check: Sendable, CustomStringConvertible {
        /// A short name.
        public let name: String
        private let body: @Sendable (MakeHost) async throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (MakeHost) async throws -> Void) {
            self.name = name
            self.body = body
        }

        /// Runs the check.
        ///
        /// - Parameter makeHost: Makes a host over one backing store shared by every host it makes.
        /// - Throws: ``ConformanceFailure`` when the store misbehaves, or what the store threw.
        public func run(_ makeHost: MakeHost) async throws {
            try await body(makeHost)
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check, in a stable order.
    public static let checks: [Check] = [
        Check("a lease is exclusive until released", exclusiveUntilReleased),
        Check("a lease expires", leaseExpires),
        Check("stored keys are not granted", storedKeysNotGranted),
        Check("two caches on two hosts encode each key once", twoHostsEncodeOnce),
        Check("a dead holder's keys are encoded after its lease expires", deadHolderTakenOver),
    ]

    private static let namespace = Fixtures.namespace

    private static func exclusiveUntilReleased(_ makeHost: MakeHost) async throws {
        let (first, second) = (try await makeHost(), try await makeHost())
        let digests = (0..<3).map { Fixtures.digest(seed: $0) }
        let lease = Duration.seconds(60)
        try await expectEqual(
            first.claim([digests[0], digests[1], digests[0]], in: namespace, for: lease),
            [true, true, true],
            "first host's claims"
        )
        try await expectEqual(
            second.claim([digests[0], digests[2]], in: namespace, for: lease),
            [false, true],
            "second host's claims"
        )
        try await expectEqual(first.claim([digests[0]], in: namespace, for: lease), [true], "a renewed claim")
        try await second.release([digests[0]], in: namespace)
        try await expectEqual(second.claim([digests[0]], in: namespace, for: lease), [false], "after a foreign release")
        try await first.release([digests[0]], in: namespace)
        try await expectEqual(second.claim([digests[0]], in: namespace, for: lease), [true], "after the release")
        try await expectEqual(first.claim([], in: namespace, for: lease), [], "an empty claim")
        let other = Namespace(model: "test/other@1", preprocessing: "identity")
        try await expectEqual(first.claim([digests[2]], in: other, for: lease), [true], "another namespace")
    }

    private static func leaseExpires(_ makeHost: MakeHost) async throws {
        let (first, second) = (try await makeHost(), try await makeHost())
        let digest = Fixtures.digest(seed: 1)
        for host in [first, second] { _ = try await host.claim([Fixtures.digest(seed: 2)], in: namespace, for: .zero) }
        // The lease starts between `beforeClaim` and `claimed`. A loaded machine may take longer than
        // the lease to reach the second claim; "before expiry" is then not checkable, and is skipped.
        let lease = Duration.seconds(2)
        let beforeClaim = ContinuousClock.now
        try await expectEqual(first.claim([digest], in: namespace, for: lease), [true], "first claim")
        let claimed = ContinuousClock.now
        let early = try await second.claim([digest], in: namespace, for: .seconds(60))
        if ContinuousClock.now - beforeClaim < lease { try expectEqual(early, [false], "before expiry") }
        try await Task.sleep(until: claimed + lease + .milliseconds(300))
        try await expectEqual(second.claim([digest], in: namespace, for: .seconds(60)), [true], "after expiry")
    }

    private static func storedKeysNotGranted(_ makeHost: MakeHost) async throws {
        let (first, second) = (try await makeHost(), try await makeHost())
        let entry = Fixtures.entry(seed: 4)
        try await expectEqual(first.claim([entry.digest], in: namespace, for: .seconds(60)), [true], "claim")
        try await first.put([entry], in: namespace)
        try await first.release([entry.digest], in: namespace)
        try await expectEqual(second.claim([entry.digest], in: namespace, for: .seconds(60)), [false], "stored key")
    }

    /// The bytes of input `index` named `name`: `name-index`.
    static func bytes(_ index: Int, name: String) -> Data { Data("\(name)-\(index)".utf8) }

    /// Inputs whose bytes are ``bytes(_:name:)`` of 0, 1, ….
    static func inputs(_ count: Int, name: String = "input") -> [EmbeddingInput] {
        (0..<count).map { .bytes(bytes($0, name: name), label: "\(name)-\($0)") }
    }

    private static func twoHostsEncodeOnce(_ makeHost: MakeHost) async throws {
        let inputs = inputs(500)
        let encoders = (0..<2).map { _ in CountingEncoder(batchSize: 16, delay: .milliseconds(2)) }
        var caches = [EmbeddingCache]()
        for encoder in encoders { caches.append(EmbeddingCache(store: try await makeHost(), encoder: encoder)) }
        let results = try await withThrowingTaskGroup(of: BatchResult.self) { group in
            for cache in caches { group.addTask { try await cache.results(for: inputs) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try expectEqual(encoders.map(\.encodedItems).reduce(0, +), 500, "items encoded by both hosts")
        let expected = inputs.indices.map { encoders[0].expectedVector(for: bytes($0, name: "input")) }
        for result in results {
            try expectEqual(result.counters.failed, 0, "failed inputs")
            let vectors = try result.results.map { try $0.get()["embedding"]!.floatValues() }
            try expect(vectors == expected, "a host returned vectors other than the encoder's")
        }
        try await expectEqual(caches[0].store.statistics().totalEntries, 500, "records stored")
    }

    private static func deadHolderTakenOver(_ makeHost: MakeHost) async throws {
        let lease = Duration.seconds(1)
        let dead = try await makeHost()
        let inputs = inputs(40, name: "dead")
        let held = (0..<20).map { ContentDigest(of: bytes($0, name: "dead")) }
        let encoder = CountingEncoder()
        try await expectEqual(
            dead.claim(held, in: encoder.namespace, for: lease),
            Array(repeating: true, count: 20),
            "the dead host's claims"
        )
        var configuration = EmbeddingCache.Configuration()
        configuration.leaseDuration = lease
        let cache = EmbeddingCache(store: try await makeHost(), encoder: encoder, configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await cache.results(for: inputs)
        let waited = clock.now - start
        try expectEqual(result.counters.failed, 0, "failed inputs")
        try expectEqual(encoder.encodedItems, 40, "items encoded")
        try expect(waited >= .milliseconds(500), "the held keys were encoded after \(waited), before the lease expired")
        // A bound on "nobody waits forever", generous because a test run on a loaded 2-core machine
        // can keep this task from being scheduled for tens of seconds.
        try expect(waited < .seconds(180), "the held keys took \(waited)")
    }
}
