extension EmbeddingCacheError {
    /// Anything a store threw, as an ``EmbeddingCacheError`` naming the namespace.
    ///
    /// - Parameters:
    ///   - error: What the store threw; an ``EmbeddingCacheError`` keeps its code and message.
    ///   - namespace: The namespace the store was serving.
    /// - Returns: The error, with `namespace` filled in when it named none.
    static func storeFailure(_ error: any Error, in namespace: Namespace) -> EmbeddingCacheError {
        if var error = error as? EmbeddingCacheError {
            if error.namespace == nil { error.namespace = namespace.description }
            return error
        }
        if error is CancellationError {
            return EmbeddingCacheError(.storeFailed, "the call was cancelled", namespace: namespace, underlying: error)
        }
        return EmbeddingCacheError(.storeFailed, "the store failed", namespace: namespace, underlying: error)
    }

    /// The error for a store that answered a request for `asked` keys with `answered` answers.
    ///
    /// - Parameters:
    ///   - answered: How many answers came back.
    ///   - asked: How many keys were asked for.
    ///   - what: What was asked, in the plural ("lookups", "claims").
    ///   - namespace: The namespace the store was serving.
    /// - Returns: A ``Code/storeFailed`` error naming the counts and the namespace.
    static func miscounted(
        _ answered: Int,
        of asked: Int,
        _ what: String,
        in namespace: Namespace
    ) -> EmbeddingCacheError {
        EmbeddingCacheError(.storeFailed, "the store answered \(answered) of \(asked) \(what)", namespace: namespace)
    }
}
