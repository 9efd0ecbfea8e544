extension TensorRecord {
    /// The record as a namespace with `policy` stores it: float32 and float64 tensors down-cast to
    /// the policy's float type, every other tensor as it is.
    ///
    /// The cache applies it to every record an encoder returns before sealing it; a writer that
    /// stores records of its own (such as the server's record API) applies it too, so that a
    /// reader of the namespace gets what the cache would have stored.
    ///
    /// ```swift
    /// let stored = try record.stored(as: namespace.storage)
    /// ```
    ///
    /// - Parameter policy: The namespace's storage policy.
    /// - Returns: The record to seal; this one when the policy is lossless.
    /// - Throws: ``EmbeddingCacheError/Code/invalidEncoderOutput`` when a finite value overflows
    ///   the storage type and the policy does not saturate.
    public func stored(as policy: StoragePolicy) throws(EmbeddingCacheError) -> TensorRecord {
        guard let target = policy.floatStorageType else { return self }
        var narrowed = [(name: String, tensor: Tensor)]()
        narrowed.reserveCapacity(tensors.count)
        for (name, tensor) in tensors {
            narrowed.append((name, try FloatConversion.narrow(tensor, to: target, saturating: policy.saturates)))
        }
        return TensorRecord(unchecked: narrowed)
    }

    /// The name of the first float tensor holding NaN or infinity, or `nil` when every value is
    /// finite (the check the cache applies to an encoder's output unless its schema allows them).
    ///
    /// - Complexity: O(n) in the record's float bytes.
    public var firstNonFiniteTensor: String? {
        tensors.first { !FiniteCheck.allFinite($0.tensor) }?.name
    }
}
