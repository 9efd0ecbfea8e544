public import FoundationEssentials

extension PostgresEmbeddingStore {
    /// Where a ``PostgresEmbeddingStore`` connects and how it keeps its tables.
    ///
    /// Usually made from a URL with ``init(url:environment:passwordFile:)``; every field can also be
    /// set directly.
    ///
    /// ```swift
    /// var configuration = PostgresEmbeddingStore.Configuration(host: "db.internal", username: "embcache")
    /// configuration.database = "features"
    /// configuration.tls = .require
    /// ```
    public struct Configuration: Sendable {
        /// How the connection is encrypted, after libpq's `sslmode`.
        public enum TLSMode: String, Sendable, CaseIterable {
            /// Never encrypt.
            case disable
            /// Encrypt when the server offers it, without verifying its certificate (libpq's default).
            case prefer
            /// Always encrypt, without verifying the server's certificate.
            case require
            /// Always encrypt and verify the certificate's chain, not its host name.
            case verifyCA = "verify-ca"
            /// Always encrypt and verify the certificate and the host name.
            case verifyFull = "verify-full"
        }

        /// The server's host name or address.
        public var host: String
        /// The server's port; 5432 by default.
        public var port: Int = 5432
        /// The role to connect as.
        public var username: String
        /// The role's password, if the server asks for one.
        public var password: String?
        /// The database; the server's default (the user name) when `nil`.
        public var database: String?
        /// The PostgreSQL schema holding the store's tables, created when missing; the connection's
        /// default `search_path` (normally `public`) when `nil`. Letters, digits and `_` only.
        public var schema: String?
        /// The `application_name` the server shows for the store's connections; `embcache` by default.
        public var applicationName = "embcache"
        /// How the connection is encrypted; ``TLSMode/prefer`` by default.
        public var tls: TLSMode = .prefer
        /// A PEM file of the certificate authorities that verify the server (libpq's
        /// `sslrootcert`); the system's trust roots when `nil`. Used by ``TLSMode/verifyCA`` and
        /// ``TLSMode/verifyFull``; a URL giving it with `sslmode=require` verifies as `verify-ca`,
        /// as libpq does.
        public var rootCertificatePath: String?
        /// The most connections the store opens; 8 by default.
        public var maximumConnections: Int = 8
        /// How many connections one large lookup is spread over: a batch of at least
        /// ``EmbeddingCache/LookupSplit/threshold`` distinct keys is split by digest range into this
        /// many statements that run at once; 2 by default. 1 makes every lookup one statement.
        public var lookupConnections: Int = 2
        /// How long connecting may take before an operation fails; 10 s by default.
        public var connectTimeout: Duration = .seconds(10)
        /// How long an operation waits for a connection from the pool before it fails with
        /// `.storeFailed`; 30 s by default. Once it has a connection, its statements are never cut
        /// short. Without this bound, postgres-nio's pool can leave an operation waiting forever
        /// after the server terminates a connection just as it finishes starting.
        public var connectionWait: Duration = .seconds(30)
        /// How many times an operation that lost its connection (a server restart, a failover, a
        /// terminated backend) is retried, waiting 0.1 s, then twice as long each time; 6 by default,
        /// about 6 s in all. Every operation is atomic and idempotent, so a retry never stores a
        /// record twice or half.
        public var connectionRetries = 6
        /// A read records an entry's last use only when the stored time is older than this; 1 hour
        /// by default, so warm reads never write.
        public var touchInterval: Duration = .seconds(3600)
        /// The clock for creation and last-use times; the system clock by default. Leases use the
        /// server's clock, so that hosts with skewed clocks agree on them.
        public var now: @Sendable () -> Date = { Date() }

        /// Creates a configuration with defaults for everything but the server and role.
        ///
        /// - Parameters:
        ///   - host: The server's host name or address.
        ///   - port: The server's port.
        ///   - username: The role to connect as.
        public init(host: String, port: Int = 5432, username: String) {
            self.host = host
            self.port = port
            self.username = username
        }

        /// The location without its password, safe to print: `postgres://user@host:port/db`.
        public var redactedURL: String {
            var text = "postgres://\(username)@\(host):\(port)/\(database ?? username)"
            if let schema { text += "?schema=\(schema)" }
            return text
        }
    }
}
