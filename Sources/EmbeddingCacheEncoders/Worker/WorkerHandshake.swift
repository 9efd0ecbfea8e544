public import EmbeddingCache
import Foundation

/// What a worker states about itself in its first frame (`H`, a JSON object).
///
/// ```json
/// {"protocol": 1, "model": "all-MiniLM-L6-v2@sha256:53aa…", "preprocessing": "bert-uncased-max256",
///  "tensors": [{"name": "embedding", "dtype": "F32", "shape": [384]}], "batch_size": 64, "input": "bytes"}
/// ```
public struct WorkerHandshake: Hashable, Sendable, Codable {
    /// What the worker wants to receive for each input part.
    public enum InputKind: String, Hashable, Sendable, Codable {
        /// The part's bytes, exactly as embcache digests them.
        case bytes
        /// Each part decoded as an image (PNG or JPEG, upright), in the layout of
        /// `docs/worker-protocol.md`.
        case pixels
    }

    /// The protocol version this embcache speaks.
    public static let protocolVersion = 1

    /// The protocol version the worker speaks (`protocol`).
    public var protocolVersion: Int
    /// The model identity (`model`), such as a name with the weights' digest.
    public var model: String
    /// The preprocessing identity (`preprocessing`).
    public var preprocessing: String
    /// The tensors every record holds (`tensors`), in order.
    public var tensors: [RecordSchema.Field]
    /// Whether float tensors may hold NaN or infinity (`allows_non_finite`, default `false`).
    public var allowsNonFinite: Bool
    /// The preferred batch size (`batch_size`, default 32).
    public var batchSize: Int
    /// What each input part is sent as (`input`, default `bytes`).
    public var input: InputKind
    /// The files the stated identity is derived from (`identity_files`, default none): the worker's
    /// code, its weights, its configuration. While the command line and these files are unchanged,
    /// embcache may take the handshake from its memory and start the worker only at the first
    /// miss (``WorkerHandshakeMemo``). A relative path is relative to the worker's working
    /// directory, which is embcache's.
    public var identityFiles: [String]

    private enum CodingKeys: String, CodingKey {
        case protocolVersion = "protocol"
        case model, preprocessing, tensors, input
        case allowsNonFinite = "allows_non_finite"
        case batchSize = "batch_size"
        case identityFiles = "identity_files"
    }

    /// Decodes the JSON object; optional fields take their defaults and unknown fields are ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protocolVersion = try container.decode(Int.self, forKey: .protocolVersion)
        model = try container.decode(String.self, forKey: .model)
        preprocessing = try container.decode(String.self, forKey: .preprocessing)
        tensors = try container.decode([RecordSchema.Field].self, forKey: .tensors)
        allowsNonFinite = try container.decodeIfPresent(Bool.self, forKey: .allowsNonFinite) ?? false
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? 32
        input = try container.decodeIfPresent(InputKind.self, forKey: .input) ?? .bytes
        identityFiles = try container.decodeIfPresent([String].self, forKey: .identityFiles) ?? []
    }

    /// The namespace records of this worker live under.
    public var namespace: Namespace { Namespace(model: model, preprocessing: preprocessing) }

    /// The schema every record is checked against.
    public var schema: RecordSchema { RecordSchema(tensors, allowsNonFinite: allowsNonFinite) }

    /// Parses and checks a handshake body.
    ///
    /// - Parameters:
    ///   - body: The `H` frame's body.
    ///   - command: The worker, named in errors.
    /// - Returns: The handshake.
    /// - Throws: ``EmbeddingCacheError/Code/encoderFailed`` for a body that is not a valid
    ///   handshake, ``EmbeddingCacheError/Code/unsupported`` for a protocol version embcache does not
    ///   speak.
    static func parse(_ body: Data, command: WorkerCommand) throws(EmbeddingCacheError) -> WorkerHandshake {
        let handshake: WorkerHandshake
        do {
            handshake = try JSONDecoder().decode(WorkerHandshake.self, from: body)
        } catch {
            throw EmbeddingCacheError(
                .encoderFailed,
                "worker '\(command)' sent a malformed handshake: \(Self.describe(error))",
                underlying: error
            )
        }
        try handshake.check(command)
        return handshake
    }

    /// Checks the fields' values.
    ///
    /// - Parameter command: The worker, named in errors.
    /// - Throws: What ``parse(_:command:)`` throws for values out of range.
    func check(_ command: WorkerCommand) throws(EmbeddingCacheError) {
        func fail(_ code: EmbeddingCacheError.Code, _ problem: String) -> EmbeddingCacheError {
            EmbeddingCacheError(code, "worker '\(command)' \(problem)")
        }
        guard protocolVersion == Self.protocolVersion else {
            throw fail(.unsupported, "speaks protocol \(protocolVersion); this embcache speaks \(Self.protocolVersion)")
        }
        guard !model.isEmpty else { throw fail(.encoderFailed, "sent an empty \"model\" in its handshake") }
        guard !tensors.isEmpty else { throw fail(.encoderFailed, "declares no \"tensors\" in its handshake") }
        guard Set(tensors.map(\.name)).count == tensors.count, !tensors.contains(where: \.name.isEmpty) else {
            throw fail(.encoderFailed, "declares empty or repeated tensor names \(tensors.map(\.name))")
        }
        for field in tensors {
            for case .fixed(let size) in field.shape where size < 0 {
                throw fail(.encoderFailed, "declares tensor '\(field.name)' with negative dimension \(size)")
            }
        }
        guard !identityFiles.contains(where: \.isEmpty) else {
            throw fail(.encoderFailed, "names an empty path in \"identity_files\"")
        }
        guard (1...65_536).contains(batchSize) else {
            throw fail(.encoderFailed, "asks for \"batch_size\" \(batchSize); expected 1 to 65536")
        }
    }

    /// A short description of a JSON decoding error: what is missing or mistyped, and where.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not a JSON object" }
        switch error {
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not a JSON object" : "field \"\(path)\" has the wrong type or value"
        @unknown default: return "not a JSON object"
        }
    }
}
