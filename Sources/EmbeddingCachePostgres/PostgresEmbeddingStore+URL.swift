public import EmbeddingCache
internal import Foundation
public import FoundationEssentials

extension PostgresEmbeddingStore.Configuration {
    /// Whether `location` names a PostgreSQL store: it starts with `postgres://` or `postgresql://`.
    ///
    /// - Parameter location: A `--store` value.
    /// - Returns: `true` for a PostgreSQL URL.
    public static func isPostgresURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Reads a configuration from a libpq-style URL.
    ///
    /// `postgres://user[:password]@host[:port][/database][?sslmode=MODE&schema=NAME&connections=N&application_name=NAME]`. The password
    /// comes from the URL, else `passwordFile` (its first line), else `PGPASSWORD`, else the first
    /// matching line of the `PGPASSFILE` file (`~/.pgpass` by default) in libpq's
    /// `host:port:database:user:password` format. The user defaults to `PGUSER`, else `postgres`.
    ///
    /// ```swift
    /// let configuration = try PostgresEmbeddingStore.Configuration(url: "postgres://me@localhost/cache?sslmode=require")
    /// ```
    ///
    /// - Parameters:
    ///   - url: The URL.
    ///   - environment: The variables to read `PGPASSWORD`, `PGPASSFILE`, `PGUSER` and `HOME` from.
    ///   - passwordFile: A file whose first line is the password, such as a mounted secret.
    /// - Throws: ``EmbeddingCacheError`` `.invalidArgument` for a malformed URL, an unknown
    ///   `sslmode` or parameter, or an unreadable password file.
    public init(
        url: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordFile: String? = nil
    ) throws(EmbeddingCacheError) {
        guard Self.isPostgresURL(url), let components = URLComponents(string: url), let host = components.host,
            !host.isEmpty
        else {
            throw EmbeddingCacheError(.invalidArgument, "'\(Self.redacting(url))' is not a postgres://user@host/db URL")
        }
        let username = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? "postgres"
        self.init(host: host, port: components.port ?? 5432, username: username)
        let path = components.path.drop { $0 == "/" }
        database = path.isEmpty ? nil : String(path).removingPercentEncoding
        for item in components.queryItems ?? [] {
            try apply(item.name, item.value ?? "")
        }
        if let inline = components.password {
            password = inline.removingPercentEncoding
        } else if let passwordFile {
            password = try Self.firstLine(ofFileAt: passwordFile)
        } else {
            password = environment["PGPASSWORD"] ?? PasswordFile.lookUp(self, environment: environment)
        }
    }

    private mutating func apply(_ name: String, _ value: String) throws(EmbeddingCacheError) {
        switch name {
        case "sslmode":
            guard let mode = TLSMode(rawValue: value) else {
                let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw EmbeddingCacheError(.invalidArgument, "sslmode '\(value)' is not one of \(modes)")
            }
            tls = mode
        case "schema":
            guard Self.isPlainIdentifier(value) else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "schema '\(value)' must be lowercase letters, digits and _, not starting with a digit"
                )
            }
            schema = value
        case "connections":
            guard let count = Int(value), count > 0 else {
                throw EmbeddingCacheError(.invalidArgument, "connections '\(value)' must be a positive integer")
            }
            maximumConnections = count
        case "application_name":
            guard !value.isEmpty, value.utf8.count <= 63,
                value.unicodeScalars.allSatisfy({ (32...126).contains($0.value) })
            else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "application_name '\(value)' must be 1 to 63 printable ASCII characters"
                )
            }
            applicationName = value
        default:
            throw EmbeddingCacheError(
                .invalidArgument,
                "unknown parameter '\(name)' in a postgres URL (known: sslmode, schema, connections, application_name)"
            )
        }
    }

    /// Whether `name` can be used unquoted as a PostgreSQL identifier.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63,
            !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// `location` with any password in it replaced by `***`, safe to print.
    ///
    /// - Parameter location: A `--store` value.
    /// - Returns: The location without its password.
    public static func redacting(_ location: String) -> String {
        guard isPostgresURL(location), var components = URLComponents(string: location), components.password != nil
        else { return location }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    private static func firstLine(ofFileAt path: String) throws(EmbeddingCacheError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw EmbeddingCacheError(.invalidArgument, "cannot read the password file \(path)")
        }
        return String(text.prefix { $0 != "\n" && $0 != "\r" })
    }
}
