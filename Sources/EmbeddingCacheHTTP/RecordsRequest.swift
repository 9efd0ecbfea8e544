public import EmbeddingCache
import EmbeddingCacheUpstream
public import Foundation
import HTTPTypes

/// A parsed `POST /v1/records/get` body: `{"namespace": {"model", "preprocessing", "storage"},
/// "digests": ["<64 hex digits>", …]}`.
///
/// The namespace is always its three parts, never one joined text; `storage` may be left out
/// (`lossless`). At most ``maximumDigests`` digests; repeats are allowed and answered once.
///
/// ```swift
/// let request = try RecordsRequest(parsing: body)
/// let findings = try await store.verifiedRecords(for: request.digests, in: request.namespace)
/// ```
public struct RecordsRequest: Sendable {
    /// The namespace the records are read from.
    public var namespace: Namespace
    /// The digests asked for, in request order, without repeats.
    public var digests: [ContentDigest]

    /// The most digests (or, in a put, records) one request may name.
    public static let maximumDigests = 4096

    /// Parses and checks a request body.
    ///
    /// - Parameter body: The JSON body.
    /// - Throws: ``OpenAIError`` (400) naming the field at fault.
    public init(parsing body: Data) throws(OpenAIError) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: body), case .object(var fields) = value else {
            throw OpenAIError(status: .badRequest, message: "the body must be a JSON object")
        }
        guard let namespace = fields.removeValue(forKey: "namespace") else {
            throw OpenAIError(status: .badRequest, message: "'namespace' is a required property", param: "namespace")
        }
        self.namespace = try Self.namespace(namespace, param: "namespace")
        guard case .array(let digests)? = fields.removeValue(forKey: "digests") else {
            throw OpenAIError(
                status: .badRequest,
                message: "'digests' is a required property: an array of 64-hex-digit content digests",
                param: "digests"
            )
        }
        if let unknown = fields.keys.sorted().first {
            throw OpenAIError(status: .badRequest, message: "unknown property '\(unknown.prefix(80))'")
        }
        guard digests.count <= Self.maximumDigests else {
            throw OpenAIError(
                status: .badRequest,
                message: "'digests' holds \(digests.count) digests; at most \(Self.maximumDigests) per request",
                param: "digests"
            )
        }
        var seen = Set<ContentDigest>()
        self.digests = []
        for (index, value) in digests.enumerated() {
            guard case .string(let hex) = value, let digest = ContentDigest(hex: hex) else {
                throw OpenAIError(
                    status: .badRequest,
                    message: "digests[\(index)] is not a content digest of 64 hexadecimal digits",
                    param: "digests"
                )
            }
            if seen.insert(digest).inserted { self.digests.append(digest) }
        }
    }

    /// Parses a namespace object: `model` and `preprocessing` strings, and `storage` (a storage
    /// policy's name, `lossless` when left out); no other property.
    ///
    /// - Parameters:
    ///   - value: The JSON value.
    ///   - param: How errors name it.
    /// - Returns: The namespace.
    /// - Throws: ``OpenAIError`` (400) naming the part at fault.
    static func namespace(_ value: JSONValue, param: String) throws(OpenAIError) -> Namespace {
        let shape = "{\"model\": …, \"preprocessing\": …, \"storage\": …} (its three parts, never joined text)"
        guard case .object(var parts) = value,
            case .string(let model)? = parts.removeValue(forKey: "model"),
            case .string(let preprocessing)? = parts.removeValue(forKey: "preprocessing")
        else {
            throw OpenAIError(status: .badRequest, message: "'\(param)' must be an object \(shape)", param: param)
        }
        var storage = StoragePolicy.lossless
        switch parts.removeValue(forKey: "storage") {
        case nil: break
        case .string(let name)? where StoragePolicy(rawValue: name) != nil:
            storage = StoragePolicy(rawValue: name) ?? .lossless
        default:
            let known = StoragePolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw OpenAIError(
                status: .badRequest,
                message: "'\(param).storage' must be one of \(known)",
                param: param
            )
        }
        if let unknown = parts.keys.sorted().first {
            throw OpenAIError(
                status: .badRequest,
                message: "'\(param)' has an unknown property '\(unknown.prefix(80))'; it must be \(shape)",
                param: param
            )
        }
        return Namespace(model: model, preprocessing: preprocessing, storage: storage)
    }
}
