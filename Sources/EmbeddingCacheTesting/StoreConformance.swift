public import EmbeddingCache

/// The conformance suite every ``EmbeddingStore`` passes, written once and run against each store.
///
/// Each ``Check`` makes its own stores through a factory and throws a ``ConformanceFailure`` when
/// the store misbehaves, so the suite depends on no test framework. A test target runs it with
/// Swift Testing:
///
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conformance(check: StoreConformance.Check) async throws {
///     try await check.run { clock in InMemoryEmbeddingStore(now: clock.now) }
/// }
/// ```
///
/// Stores must use the clock they are given for creation and last-use times, and must record a
/// read's use at least when a day has passed since the recorded one; the checks advance the clock
/// by two days between steps.
public enum StoreConformance {
    /// Makes a new, empty store that reads time from the clock; a check may call it more than once.
    public typealias MakeStore = @Sendable (TestClock) async throws -> any EmbeddingStore

    /// One named check of the suite.
    public struct Check: Sendable, CustomStringConvertible {
        /// A short name, such as `put replaces`.
        public let name: String
        private let body: @Sendable (any EmbeddingStore, TestClock) async throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (any EmbeddingStore, TestClock) async throws -> Void) {
            self.name = name
            self.body = body
        }

        /// Runs the check on a new store.
        ///
        /// - Parameter makeStore: Makes an empty store that reads time from the given clock.
        /// - Throws: ``ConformanceFailure`` when the store misbehaves, or what the store threw.
        public func run(_ makeStore: MakeStore) async throws {
            let clock = TestClock()
            try await body(makeStore(clock), clock)
        }

        /// The check's name.
        public var description: String { name }
    }

    /// Every check, in a stable order.
    public static let checks: [Check] = recordChecks + maintenanceChecks + scanChecks

    /// Two days, the step by which checks advance the clock.
    static let step: Double = 2 * 86_400
}
