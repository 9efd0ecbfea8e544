public import EmbeddingCache

extension EmbeddingsServer.Configuration {
    /// Sets ``host`` and ``port`` from a `--listen` value: `HOST:PORT`, `[IPV6]:PORT` or `:PORT`
    /// (loopback).
    ///
    /// ```swift
    /// var configuration = EmbeddingsServer.Configuration()
    /// try configuration.listen(on: "127.0.0.1:8080")
    /// ```
    ///
    /// - Parameter address: The address.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` naming the value.
    public mutating func listen(on address: String) throws(EmbeddingCacheError) {
        let invalid = EmbeddingCacheError(
            .invalidArgument,
            "listen address '\(address)' is not HOST:PORT (such as 127.0.0.1:8080) with a port in 0…65535"
        )
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw invalid }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }

    /// Checks that the server may listen where it is configured to: anywhere but loopback only with
    /// ``tokens``.
    ///
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` naming the address.
    public func validate() throws(EmbeddingCacheError) {
        guard listensOnLoopbackOnly || tokens != nil else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "listening on \(host) (not loopback) needs bearer tokens: serve with a tokens file or EMBCACHE_TOKENS"
            )
        }
    }

    /// Whether ``host`` is a loopback address (`127.0.0.0/8`, `::1` or `localhost`), reachable from
    /// this machine only.
    public var listensOnLoopbackOnly: Bool {
        host == "localhost" || host == "::1"
            || host.split(separator: ".").first == "127"
                && host.split(separator: ".").count == 4
    }
}
