public import EmbeddingCache
public import EmbeddingCacheEncoders

/// Starts every encoder a plan names (workers included) and builds one cache per encoder over one
/// shared store; stops the workers afterwards.
///
/// ```swift
/// let report = try await PlanCaches.with(plan, store: store, worker: .init()) { caches in
///     try await PrecomputeRun(plan: plan, manifest: manifest, caches: caches).run()
/// }
/// ```
public enum PlanCaches {
    /// Hands `body` one cache per encoder name; every worker is stopped when `body` returns or throws.
    ///
    /// Each field's tensor count is checked against its encoder's schema before `body` runs.
    ///
    /// - Parameters:
    ///   - plan: The plan naming the encoders.
    ///   - store: The store every cache shares.
    ///   - worker: The settings of `process:` workers.
    ///   - adjusting: Changes to the plan's cache settings (a batch size, a lease duration).
    ///   - body: The work to do with the caches, keyed by encoder name.
    /// - Returns: What `body` returns.
    /// - Throws: ``EmbeddingCacheError`` when an encoder cannot be built or a worker cannot start,
    ///   or what `body` throws.
    public static func with<R>(
        _ plan: PrecomputePlan,
        store: any EmbeddingStore,
        worker: ProcessEncoder.Configuration,
        adjusting: (inout EmbeddingCache.Configuration) -> Void = { _ in },
        _ body: ([String: EmbeddingCache]) async throws -> R
    ) async throws -> R {
        let specifications = try plan.specifications()
        var configuration = plan.configuration
        adjusting(&configuration)
        return try await start(plan.encoderNames[...], specifications, worker, configuration, store, [:]) {
            caches in
            try check(plan, against: caches)
            return try await body(caches)
        }
    }

    /// Checks that each field names as many tensors as its encoder's records hold, before any work.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming the field and the encoder.
    private static func check(_ plan: PrecomputePlan, against caches: [String: EmbeddingCache]) throws {
        for field in plan.fields {
            guard let schema = caches[field.encoder]?.encoder.schema, schema.fields.count != field.names.count
            else { continue }
            throw EmbeddingCacheError(
                .invalidArgument,
                "the plan's field \(field.label) names \(field.names.count) tensors, but encoder '\(field.encoder)' "
                    + "gives \(schema.fields.count): \(schema.fields.map(\.name).joined(separator: ", "))"
            )
        }
    }

    private static func start<R>(
        _ names: ArraySlice<String>,
        _ specifications: [String: EncoderSpecification],
        _ worker: ProcessEncoder.Configuration,
        _ configuration: EmbeddingCache.Configuration,
        _ store: any EmbeddingStore,
        _ caches: [String: EmbeddingCache],
        _ body: ([String: EmbeddingCache]) async throws -> R
    ) async throws -> R {
        guard let name = names.first, let specification = specifications[name] else { return try await body(caches) }
        return try await specification.withEncoder(configuration: worker) { encoder in
            var caches = caches
            caches[name] = EmbeddingCache(store: store, encoder: encoder, configuration: configuration)
            return try await start(names.dropFirst(), specifications, worker, configuration, store, caches, body)
        }
    }
}
