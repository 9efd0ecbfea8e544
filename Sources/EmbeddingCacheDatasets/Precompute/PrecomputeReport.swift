/// What one precompute run (or check) found: counts per field and in total, and the failures.
///
/// ```swift
/// let report = try await run.run(store: "cache.sqlite")
/// for failure in report.failures { print(failure.sample, failure.field, failure.reason) }
/// ```
public struct PrecomputeReport: Encodable, Sendable {
    /// One field's counts.
    public struct FieldReport: Encodable, Sendable {
        /// The field's tensor names joined by `+`.
        public var name: String
        /// The field's encoder name.
        public var encoder: String
        /// Samples served from the store.
        public var hits = 0
        /// Samples not in the store (encoded unless checking).
        public var misses = 0
        /// Samples that failed.
        public var failed = 0
    }

    /// A sample whose field failed, with the reason (never its bytes).
    public struct Failure: Encodable, Sendable {
        /// The sample's id.
        public var sample: String
        /// The field's label.
        public var field: String
        /// Why, for people.
        public var reason: String
    }

    /// Whether the run only looked records up.
    public var check: Bool
    /// Samples in the manifest.
    public var samples: Int
    /// Samples with a record for every field.
    public var completeSamples = 0
    /// Hits over every field.
    public var hits = 0
    /// Misses over every field.
    public var misses = 0
    /// Failures over every field.
    public var failed = 0
    /// Wall-clock seconds of the run.
    public var seconds = 0.0
    /// The store, as the run was told to name it.
    public var store: String
    /// The counts per field, in plan order.
    public var fields: [FieldReport]
    /// Every failed (sample, field).
    public var failures: [Failure] = []
}
