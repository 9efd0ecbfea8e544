import Crypto
public import EmbeddingCache
import Foundation

/// The bearer tokens a server accepts, each with a scope: `read` (answered from the cache only)
/// or `write` (misses are encoded upstream and stored).
///
/// Tokens are compared in constant time: each presented token is hashed with SHA-256 and compared
/// with every configured token's hash without stopping at the first difference or the first match.
/// Tokens are never logged or printed; errors name the file and line, never the token.
///
/// ```swift
/// let tokens = try BearerTokens(contentsOfFile: "/etc/embcache/tokens")  // lines "read TOKEN" / "write TOKEN"
/// let scope = tokens.scope(ofAuthorization: "Bearer s3cret")             // .write, .read or nil
/// ```
public struct BearerTokens: Sendable {
    /// What a token may do.
    public enum Scope: String, Sendable, Comparable {
        /// Be answered from the cache; a request with any item not cached is refused (403).
        case read
        /// Everything `read` may, and have misses encoded upstream and stored.
        case write

        /// `read` < `write`.
        public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs == .read && rhs == .write }
    }

    private let entries: [(digest: [UInt8], scope: Scope)]

    /// Creates the set from `(scope, token)` pairs.
    ///
    /// - Parameter tokens: Each token with its scope.
    public init(_ tokens: [(scope: Scope, token: String)]) {
        entries = tokens.map { (Array(SHA256.hash(data: Data($0.token.utf8))), $0.scope) }
    }

    /// Reads a tokens file: one `read TOKEN` or `write TOKEN` per line; blank lines and lines
    /// starting with `#` are skipped.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` naming the file and the
    ///   line (never its token) when the file cannot be read, a line is malformed, or it holds no token.
    public init(contentsOfFile path: String) throws(EmbeddingCacheError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EmbeddingCacheError(.invalidArgument, "tokens file '\(path)' cannot be read", underlying: error)
        }
        self.init(
            try Self.parse(
                text.split(separator: "\n", omittingEmptySubsequences: false),
                source: "tokens file '\(path)'",
                unit: "line"
            )
        )
    }

    /// The environment variable ``configured(file:environment:)`` reads tokens from.
    public static let environmentVariable = "EMBCACHE_TOKENS"

    /// The tokens a server is configured with: those of a tokens file, and those of
    /// ``environmentVariable`` (entries `read TOKEN` or `write TOKEN` separated by newlines or
    /// commas; blank entries skipped, and an empty variable counts as unset).
    ///
    /// ```swift
    /// // EMBCACHE_TOKENS="read r3ader,write wr1ter"
    /// let tokens = try BearerTokens.configured(file: nil, environment: ProcessInfo.processInfo.environment)
    /// ```
    ///
    /// - Parameters:
    ///   - file: A tokens file (see ``init(contentsOfFile:)``), or `nil`.
    ///   - environment: The process's environment.
    /// - Returns: Every token of both, or `nil` when neither is given.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` naming the file and
    ///   line, or the variable and entry (never a token), that is malformed, or a source that holds
    ///   no token.
    public static func configured(
        file: String?,
        environment: [String: String]
    ) throws(EmbeddingCacheError) -> BearerTokens? {
        var entries = [(digest: [UInt8], scope: Scope)]()
        if let file { entries += try BearerTokens(contentsOfFile: file).entries }
        if let text = environment[environmentVariable], !text.isEmpty {
            let tokens = try parse(
                text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "," }),
                source: environmentVariable,
                unit: "entry"
            )
            entries += BearerTokens(tokens).entries
        }
        return entries.isEmpty ? nil : BearerTokens(entries: entries)
    }

    private init(entries: [(digest: [UInt8], scope: Scope)]) {
        self.entries = entries
    }

    /// The `(scope, token)` pairs of `lines`, each `read TOKEN` or `write TOKEN`; blank lines and
    /// lines starting with `#` are skipped.
    ///
    /// - Parameters:
    ///   - lines: The lines.
    ///   - source: How errors name the source, such as `tokens file 'PATH'`.
    ///   - unit: How errors name a line of it, such as `line`.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` naming the line, never
    ///   its token, or the source when it holds no token.
    private static func parse(
        _ lines: [Substring],
        source: String,
        unit: String
    ) throws(EmbeddingCacheError) -> [(scope: Scope, token: String)] {
        var tokens = [(scope: Scope, token: String)]()
        for (number, line) in lines.enumerated() {
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.isEmpty || words[0].hasPrefix("#") { continue }
            guard words.count == 2, let scope = Scope(rawValue: String(words[0])) else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "\(source) \(unit) \(number + 1) is not 'read TOKEN' or 'write TOKEN'"
                )
            }
            tokens.append((scope, String(words[1])))
        }
        guard !tokens.isEmpty else {
            throw EmbeddingCacheError(.invalidArgument, "\(source) holds no token")
        }
        return tokens
    }

    /// The scope of the token an `Authorization` header presents.
    ///
    /// - Parameter authorization: The header's value, such as `Bearer TOKEN`.
    /// - Returns: The token's scope (the widest, if it is listed twice), or `nil` when the header is
    ///   missing, not a bearer token, or names no configured token.
    public func scope(ofAuthorization authorization: String?) -> Scope? {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            return nil
        }
        let presented = Array(SHA256.hash(data: Data(authorization.dropFirst(7).utf8)))
        var found: Scope?
        for entry in entries {
            var difference: UInt8 = 0
            for (left, right) in zip(presented, entry.digest) { difference |= left ^ right }
            if difference == 0 { found = max(found ?? entry.scope, entry.scope) }
        }
        return found
    }
}
