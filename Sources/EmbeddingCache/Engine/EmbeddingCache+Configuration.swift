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

        /// How long a lease on missed keys lasts, when the store hands out leases
        /// (``EmbeddingStoreLeasing``); 60 s by default, and ignored by other stores.
        ///
        /// The cache claims four encoder batches at a time (or one per concurrent batch, if more),
        /// renews the claims every third of this duration while it encodes them, and releases them
        /// once stored; so a slow encoder keeps its keys. When a process holding a lease dies, the
        /// others encode its keys after at most this long.
        public var leaseDuration: Duration = .seconds(60)

        /// Remembered digests of unchanged files (see ``StatMemo``): a file input whose identity
        /// (device, inode, size, modification and change times) is what it was when it was
        /// hashed is not read again. None by default: every input is read and hashed.
        public var statMemo: StatMemo?

        /// A second key looked up when an input's byte digest misses (see ``SecondaryKey``); none by
        /// default. Its input view must be the encoder's.
        public var secondaryKey: (any SecondaryKey)?

        /// Creates the default settings.
        public init() {}
    }
}

extension EmbeddingCache.Configuration {
    /// The inputs sent to `encoder` per call: ``batchSize`` when set, else the encoder's preferred
    /// size, and at least 1.
    ///
    /// - Parameter encoder: The encoder the batches go to.
    /// - Returns: The batch size.
    public func batchSize(for encoder: any EmbeddingEncoder) -> Int {
        max(1, batchSize ?? encoder.preferredBatchSize)
    }
}
