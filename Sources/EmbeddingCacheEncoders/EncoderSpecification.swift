public import EmbeddingCache

/// A parsed `--encoder` value: `SCHEME:NAME?param=value&…`, such as `builtin:bytes?dim=384`, or
/// `process:COMMAND…`, a worker process whose whole command line follows the colon, or
/// `openai:URL?model=NAME&…`, an OpenAI-compatible embeddings endpoint.
///
/// ```swift
/// let spec = try EncoderSpecification(parsing: "builtin:bytes?dim=128&cost-ms=5")
/// let encoder = try spec.makeEncoder()
/// let worker = try EncoderSpecification(parsing: "process:python3 Examples/workers/numpy_worker.py")
/// try await worker.withEncoder { encoder in try await use(encoder) }
/// ```
public struct EncoderSpecification: Hashable, Sendable, CustomStringConvertible {
    /// The part before the first colon, such as `builtin`.
    public var scheme: String
    /// The part between the colon and the `?`, such as `bytes`; for `process:`, the whole command.
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
        let query = scheme == Self.processScheme ? nil : rest.firstIndex(of: "?")
        name = String(rest[..<(query ?? rest.endIndex)])
        parameters = []
        guard !name.isEmpty else { throw EmbeddingCacheError(.invalidArgument, "encoder '\(text)' has no name") }
        if scheme == Self.processScheme { _ = try WorkerCommand(parsing: name) }
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

    /// The scheme of worker processes: `process:COMMAND…`.
    public static let processScheme = "process"

    /// Builds the encoder this specification names, for specifications that start no process.
    ///
    /// - Returns: The encoder.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for an unknown scheme, name or
    ///   parameter, a parameter value out of range, or a `process:` specification (use
    ///   ``withEncoder(configuration:_:)``, which starts and stops the worker).
    public func makeEncoder() throws(EmbeddingCacheError) -> any EmbeddingEncoder {
        switch scheme {
        case "builtin": return try BuiltinEncoders.make(self)
        case Self.openAIScheme: return try makeUpstreamEncoder()
        case Self.processScheme:
            throw EmbeddingCacheError(.invalidArgument, "encoder '\(self)' starts a worker: use withEncoder")
        default:
            throw EmbeddingCacheError(
                .invalidArgument,
                "unknown encoder scheme '\(scheme)' in '\(self)'; known: builtin, openai, process"
            )
        }
    }

    /// Checks the specification without starting anything: the encoder a `builtin:` specification
    /// names can be built, the command of a `process:` one splits into words.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` naming the problem.
    public func validate() throws(EmbeddingCacheError) {
        if scheme != Self.processScheme { _ = try makeEncoder() }
    }

    /// Builds the encoder, starting its worker for a `process:` specification, and hands it to
    /// `body`; the worker is stopped when `body` returns or throws.
    ///
    /// - Parameters:
    ///   - configuration: The worker's timeout and stop grace; unused by other schemes.
    ///   - body: The work to do with the encoder.
    /// - Returns: What `body` returns.
    /// - Throws: The errors of ``makeEncoder()`` and ``ProcessEncoder/start(command:configuration:)``,
    ///   or what `body` throws.
    public func withEncoder<R>(
        configuration: ProcessEncoder.Configuration = ProcessEncoder.Configuration(),
        _ body: (any EmbeddingEncoder) async throws -> R
    ) async throws -> R {
        guard scheme == Self.processScheme else { return try await body(try makeEncoder()) }
        let encoder = try await ProcessEncoder.start(command: name, configuration: configuration)
        do {
            let result = try await body(encoder)
            await encoder.stop()
            return result
        } catch {
            await encoder.stop()
            throw error
        }
    }
}
