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
    /// `postgres://user[:password]@host[:port][/database][?sslmode=MODE&sslrootcert=PATH&schema=NAME&connections=N&application_name=NAME]`.
    /// The user name and password must percent-encode `/`, `?`, `#`, `@` and `%`. The password
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
    /// - Throws: ``EmbeddingCacheError`` `.invalidArgument` for a malformed URL (named with its
    ///   password redacted), an unknown `sslmode` or parameter, an unreadable password file, or an
    ///   `sslrootcert` file that holds no PEM certificate.
    public init(
        url: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        passwordFile: String? = nil
    ) throws(EmbeddingCacheError) {
        try Self.checkUserInfo(of: url)
        guard Self.isPostgresURL(url), let components = URLComponents(string: url), let host = components.host,
            !host.isEmpty
        else {
            throw EmbeddingCacheError(.invalidArgument, "'\(Self.redacting(url))' is not a postgres://user@host/db URL")
        }
        let username =
            components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? "postgres"
        self.init(host: host, port: components.port ?? 5432, username: username)
        let path = components.percentEncodedPath.drop { $0 == "/" }
        database = path.isEmpty ? nil : String(path).removingPercentEncoding
        for item in components.queryItems ?? [] {
            try apply(item.name, item.value ?? "")
        }
        if rootCertificatePath != nil, tls == .require {
            // As libpq: with a root certificate, `require` verifies the chain as `verify-ca` does.
            tls = .verifyCA
        }
        if let inline = components.percentEncodedPassword {
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
        case "sslrootcert":
            rootCertificatePath = try Self.checkedRootCertificate(at: value)
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
                "unknown parameter '\(name)' in a postgres URL (known: sslmode, sslrootcert, schema, connections, application_name)"
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
    /// It does not depend on the URL being well formed: everything between the first `:` after
    /// the user name and the last `@` is replaced, so a password holding `#`, `/`, `?`, `@` or a
    /// stray `%` is never printed, even from a URL that fails to parse.
    ///
    /// - Parameter location: A `--store` value.
    /// - Returns: The location without its password.
    public static func redacting(_ location: String) -> String {
        guard isPostgresURL(location), let (scheme, userInfo, rest) = userInfoParts(of: location),
            let colon = userInfo.firstIndex(of: ":")
        else { return location }
        return "\(scheme)://\(userInfo[..<colon]):***@\(rest)"
    }

    /// The scheme, the text before the last `@` after `://`, and the text after that `@`; `nil`
    /// when the location has no `@` after its scheme.
    private static func userInfoParts(of location: String) -> (Substring, Substring, Substring)? {
        guard let separator = location.range(of: "://"),
            let at = location[separator.upperBound...].lastIndex(of: "@")
        else { return nil }
        return (
            location[..<separator.lowerBound], location[separator.upperBound..<at],
            location[location.index(after: at)...]
        )
    }

    /// Refuses a URL whose user name or password holds a character that ends or breaks the user
    /// information (`/`, `?`, `#`, `@`) or a `%` not followed by two hexadecimal digits, naming
    /// the URL with its password redacted. Such a password would otherwise be cut short, dropped,
    /// or read as part of the host.
    private static func checkUserInfo(of url: String) throws(EmbeddingCacheError) {
        guard isPostgresURL(url), let (_, userInfo, _) = userInfoParts(of: url) else { return }
        let bytes = Array(userInfo.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    throw malformedUserInfo(url)
                }
                index += 3
            } else if "/?#@".utf8.contains(bytes[index]) {
                throw malformedUserInfo(url)
            } else {
                index += 1
            }
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// The error for a URL whose user information breaks the URL, naming it without its password
    /// and without saying which character is at fault (that would tell something of the password).
    private static func malformedUserInfo(_ url: String) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .invalidArgument,
            "'\(redacting(url))' has a character in its user name or password that must be percent-encoded: "
                + "/ as %2F, ? as %3F, # as %23, @ as %40, % as %25 (and an @ elsewhere in the URL as %40)"
        )
    }

    private static func firstLine(ofFileAt path: String) throws(EmbeddingCacheError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw EmbeddingCacheError(.invalidArgument, "cannot read the password file \(path)")
        }
        return String(text.prefix { $0 != "\n" && $0 != "\r" })
    }
}
