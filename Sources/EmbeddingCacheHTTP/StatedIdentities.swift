import EmbeddingCacheUpstream
import Synchronization

/// The upstream's stated identity of each model name, read again once it is a minute old.
///
/// When a reading finds nothing (the upstream states nothing, or the probe failed), the last
/// identity read stays in force, so a passing failure never sends requests to the namespace without
/// the identity.
final class StatedIdentities: Sendable {
    private struct Reading {
        var identity: String?
        var readAt: ContinuousClock.Instant
    }

    /// How long a reading is used before it is read again.
    static let lifetime: Duration = .seconds(60)

    private let upstream: OpenAIUpstream
    private let readings = Mutex(RecentlyUsed<String, Reading>(capacity: EmbeddingsProxy.maximumKeptNamespaces))

    init(upstream: OpenAIUpstream) {
        self.upstream = upstream
    }

    /// The identity the upstream states for `model`, read at most a minute ago.
    func identity(of model: String) async -> String? {
        let now = ContinuousClock.now
        let last = readings.withLock { $0[model] }
        if let last, now - last.readAt < Self.lifetime { return last.identity }
        let identity = await upstream.statedIdentity(model: model) ?? last?.identity
        readings.withLock { $0[model] = Reading(identity: identity, readAt: now) }
        return identity
    }
}
