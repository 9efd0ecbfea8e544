internal import NIOSSL
internal import PostgresNIO

extension PostgresEmbeddingStore.Configuration {
    /// The postgres-nio client configuration: server, role, TLS, pool size, and the startup
    /// parameters (application name, and the schema as the connections' `search_path`).
    var client: PostgresClient.Configuration {
        let (context, required) = tlsContext
        var client = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: context.map { required ? .require($0) : .prefer($0) } ?? .disable
        )
        client.options.maximumConnections = maximumConnections
        client.options.connectTimeout = connectTimeout
        client.options.additionalStartupParameters = startupParameters
        return client
    }

    /// The configuration of one connection outside the pool, the same as the pool's.
    ///
    /// - Throws: NIOSSL's error when the TLS context cannot be made.
    func connection() throws -> PostgresConnection.Configuration {
        let (context, required) = tlsContext
        var tls = PostgresConnection.Configuration.TLS.disable
        if let context {
            let ssl = try NIOSSLContext(configuration: context)
            tls = required ? .require(ssl) : .prefer(ssl)
        }
        var connection = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        connection.options.connectTimeout = TimeAmount(connectTimeout)
        connection.options.additionalStartupParameters = startupParameters
        return connection
    }

    private var startupParameters: [(String, String)] {
        [("application_name", applicationName)] + (schema.map { [("search_path", $0)] } ?? [])
    }

    /// The TLS settings of ``tls``, and whether encryption is required; `nil` for no TLS.
    private var tlsContext: (TLSConfiguration?, required: Bool) {
        var context = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable:
            return (nil, false)
        case .prefer:
            context.certificateVerification = .none
            return (context, false)
        case .require:
            context.certificateVerification = .none
        case .verifyCA:
            context.certificateVerification = .noHostnameVerification
        case .verifyFull:
            break
        }
        if let rootCertificatePath { context.trustRoots = .file(rootCertificatePath) }
        return (context, true)
    }
}
