import FoundationEssentials

extension EmbeddingCache {
    /// Settings of an ``EmbeddingCache``.
    public struct Configuration: Sendable {
        /// How float tensors are stored; part of the namespace. Lossless by default.
        public var storagePolicy: StoragePolicy = .lossless
        /// Whether inputs are read and digested on every core (any value above 1, the default on a
        /// multi-core machine) or one at a time on the calling task (1).
        public var digestConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount

        /// The batch size sent to the encoder; the encoder's preferred size when `nil`.
        public var batchSize: Int?

        /// Creates the default settings.
        public init() {}
    }
}
