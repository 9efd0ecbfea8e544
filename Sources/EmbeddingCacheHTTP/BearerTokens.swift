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
        var tokens = [(scope: Scope, token: String)]()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.isEmpty || words[0].hasPrefix("#") { continue }
            guard words.count == 2, let scope = Scope(rawValue: String(words[0])) else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "tokens file '\(path)' line \(number + 1) is not 'read TOKEN' or 'write TOKEN'"
                )
            }
            tokens.append((scope, String(words[1])))
        }
        guard !tokens.isEmpty else {
            throw EmbeddingCacheError(.invalidArgument, "tokens file '\(path)' holds no token")
        }
        self.init(tokens)
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
