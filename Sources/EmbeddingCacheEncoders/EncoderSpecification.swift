public import EmbeddingCache

/// A parsed `--encoder` value: `SCHEME:NAME?param=value&…`, such as `builtin:bytes?dim=384`.
///
/// ```swift
/// let spec = try EncoderSpecification(parsing: "builtin:bytes?dim=128&cost-ms=5")
/// let encoder = try spec.makeEncoder()
/// ```
public struct EncoderSpecification: Hashable, Sendable, CustomStringConvertible {
    /// The part before the first colon, such as `builtin`.
    public var scheme: String
    /// The part between the colon and the `?`, such as `bytes`.
    public var name: String
    /// The parameters after the `?`, in the order given.
    public var parameters: [(key: String, value: String)]

    /// Parses a specification.
    ///
    /// - Parameter text: The `--encoder` value.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming the value when it is malformed
    ///   or repeats a parameter.
    public init(parsing text: String) throws(EmbeddingCacheError) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw EmbeddingCacheError(.invalidArgument, "encoder '\(text)' is not SCHEME:NAME, such as builtin:bytes")
        }
        scheme = String(text[..<colon])
        let rest = text[text.index(after: colon)...]
        let query = rest.firstIndex(of: "?")
        name = String(rest[..<(query ?? rest.endIndex)])
        parameters = []
        guard !name.isEmpty else { throw EmbeddingCacheError(.invalidArgument, "encoder '\(text)' has no name") }
        guard let query else { return }
        for pair in rest[rest.index(after: query)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw EmbeddingCacheError(.invalidArgument, "encoder '\(text)': '\(pair)' is not param=value")
            }
            guard !parameters.contains(where: { $0.key == parts[0] }) else {
                throw EmbeddingCacheError(.invalidArgument, "encoder '\(text)' sets '\(parts[0])' twice")
            }
            parameters.append((String(parts[0]), String(parts[1])))
        }
    }

    /// The specification as text, parameters in the order given.
    public var description: String {
        let query = parameters.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(scheme):\(name)" + (query.isEmpty ? "" : "?\(query)")
    }

    /// Compares scheme, name and parameters.
    public static func == (lhs: EncoderSpecification, rhs: EncoderSpecification) -> Bool {
        lhs.description == rhs.description
    }

    /// Hashes the textual form.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    /// Builds the encoder this specification names.
    ///
    /// - Returns: The encoder.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for an unknown scheme, name or
    ///   parameter, or a parameter value out of range.
    public func makeEncoder() throws(EmbeddingCacheError) -> any EmbeddingEncoder {
        switch scheme {
        case "builtin": return try BuiltinEncoders.make(self)
        default:
            throw EmbeddingCacheError(
                .invalidArgument,
                "unknown encoder scheme '\(scheme)' in '\(self)'; known: builtin"
            )
        }
    }
}
