import FoundationEssentials

extension EmbeddingCache {
    /// Settings of an ``EmbeddingCache``.
    public struct Configuration: Sendable {
        /// How float tensors are stored; part of the namespace. Lossless by default.
        public var storagePolicy: StoragePolicy = .lossless
        /// How many tasks read and digest inputs at once; the core count by default.
        public var digestConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount

        /// The batch size sent to the encoder; the encoder's preferred size when `nil`.
        public var batchSize: Int?

        /// Creates the default settings.
        public init() {}
    }
}
