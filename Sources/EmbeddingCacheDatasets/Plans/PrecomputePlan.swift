public import EmbeddingCache
public import EmbeddingCacheEncoders
import Foundation

/// A precompute plan: the encoders by name, and the fields each sample caches (docs/cli.md).
///
/// ```json
/// {"encoders": {"vae": "builtin:bytes?dim=64", "text": "process:python3 worker.py"},
///  "fields": [{"name": "image_latents", "encoder": "vae", "inputs": "image"},
///             {"names": ["prompt_embeds", "prompt_embeds_mask"], "encoder": "text",
///              "inputs": {"text": "prompt"}}]}
/// ```
///
/// ```swift
/// let plan = try PrecomputePlan(path: "plan.json")
/// print(plan.encoderNames, plan.fields.map(\.label))
/// ```
public struct PrecomputePlan: Decodable, Sendable {
    /// The most `process:` worker copies one encoder may run: the bound of `workers`.
    public static let maximumWorkers = 64

    /// Where one part of a field's input comes from.
    public enum Source: Decodable, Sendable {
        /// A manifest key whose value is a file path, or a list of file paths taken in order.
        case file(String)
        /// A manifest key whose value is a text.
        case text(String)
        /// A fixed text, the same for every sample (such as `""`, the empty prompt).
        case literal(String)

        private enum Keys: String, CodingKey { case text, literal }

        /// Decodes `"KEY"`, `{"text": "KEY"}` or `{"literal": "TEXT"}`.
        ///
        /// - Parameter decoder: The decoder holding the source.
        /// - Throws: `DecodingError` for any other value.
        public init(from decoder: any Decoder) throws {
            if let key = try? decoder.singleValueContainer().decode(String.self) {
                self = .file(key)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            if let key = try container.decodeIfPresent(String.self, forKey: .text) {
                self = .text(key)
            } else if let literal = try container.decodeIfPresent(String.self, forKey: .literal) {
                self = .literal(literal)
            } else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "expected \"KEY\", {\"text\"} or {\"literal\"}"
                    )
                )
            }
        }
    }

    /// One cached field: the tensor names its record's tensors get, its encoder and its inputs.
    public struct Field: Decodable, Sendable {
        /// The names given to the record's tensors, in order.
        public var names: [String]
        /// The name of its encoder in ``PrecomputePlan/encoders``.
        public var encoder: String
        /// The input parts; two or more make a composite.
        public var inputs: [Source]

        /// How reports name the field: its names joined by `+`.
        public var label: String { names.joined(separator: "+") }

        private enum Keys: String, CodingKey { case name, names, encoder, inputs }

        /// Decodes `name` or `names`, `encoder`, and `inputs` (one source or a list).
        ///
        /// - Parameter decoder: The decoder holding the field's object.
        /// - Throws: `DecodingError` naming a missing or mistyped key.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let name = try container.decodeIfPresent(String.self, forKey: .name) {
                names = [name]
            } else {
                names = try container.decode([String].self, forKey: .names)
            }
            encoder = try container.decode(String.self, forKey: .encoder)
            if let list = try? container.decode([Source].self, forKey: .inputs) {
                inputs = list
            } else {
                inputs = [try container.decode(Source.self, forKey: .inputs)]
            }
        }
    }

    /// The encoder specifications by name.
    public var encoders: [String: String]
    /// The fields, in order.
    public var fields: [Field]
    /// `storage`: how float tensors are stored, as `--storage` says (part of the namespace, so
    /// precompute and export of one plan always agree); lossless when absent.
    public var storage: StoragePolicy?
    /// `store_dtype`, the older spelling of a down-casting `storage`.
    public var storeDType: StoreDType?
    /// `workers`: how many copies of each `process:` worker may run; `--workers` wins over it.
    public var workers: Int?

    private enum CodingKeys: String, CodingKey {
        case encoders, fields, workers, storage
        case storeDType = "store_dtype"
    }

    /// The cache configuration every encoder of the plan uses.
    public var configuration: EmbeddingCache.Configuration {
        var configuration = EmbeddingCache.Configuration()
        configuration.storagePolicy = storage ?? storeDType?.policy ?? .lossless
        return configuration
    }

    /// Reads, parses and checks a plan.
    ///
    /// - Parameter path: The plan's JSON file.
    /// - Throws: ``EmbeddingCacheError`` naming the file and the problem.
    public init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EmbeddingCacheError(.inputUnreadable, "cannot read the plan \(path)", underlying: error)
        }
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw EmbeddingCacheError(.invalidArgument, "the plan \(path) is malformed: \(Self.describe(error))")
        }
        try check(path)
    }

    /// The encoder names in a stable order.
    public var encoderNames: [String] { encoders.keys.sorted() }

    /// The parsed specification of each encoder, by name.
    ///
    /// - Returns: Each encoder's ``EncoderSpecification``, keyed by its name in the plan.
    /// - Throws: ``EmbeddingCacheError`` for a specification that does not parse.
    public func specifications() throws(EmbeddingCacheError) -> [String: EncoderSpecification] {
        var parsed = [String: EncoderSpecification]()
        for (name, text) in encoders { parsed[name] = try EncoderSpecification(parsing: text) }
        return parsed
    }

    private func check(_ path: String) throws {
        guard !fields.isEmpty else { throw EmbeddingCacheError(.invalidArgument, "the plan \(path) has no fields") }
        var seen = Set<String>()
        for field in fields {
            guard encoders[field.encoder] != nil else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "the plan \(path): field \(field.label) uses the unknown encoder '\(field.encoder)'"
                )
            }
            guard !field.inputs.isEmpty, !field.names.isEmpty else {
                throw EmbeddingCacheError(.invalidArgument, "the plan \(path): a field has no names or no inputs")
            }
            for name in field.names where name.isEmpty || name.contains("/") || !seen.insert(name).inserted {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "the plan \(path): field name '\(name)' is empty, has a '/', or is repeated"
                )
            }
        }
        if let storage, let storeDType, storage != storeDType.policy {
            throw EmbeddingCacheError(
                .invalidArgument,
                "the plan \(path): \"storage\" \(storage) contradicts \"store_dtype\" \(storeDType.rawValue)"
            )
        }
        if let workers, !(1...Self.maximumWorkers).contains(workers) {
            throw EmbeddingCacheError(
                .invalidArgument,
                "the plan \(path): \"workers\" must be between 1 and \(Self.maximumWorkers), not \(workers)"
            )
        }
        for (name, text) in encoders {
            do {
                try EncoderSpecification(parsing: text).validate()
            } catch {
                throw EmbeddingCacheError(.invalidArgument, "the plan \(path): encoder '\(name)': \(error.message)")
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            "missing \"\(key.stringValue)\" at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .dataCorrupted(let context)?, .valueNotFound(_, let context)?:
            "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "not JSON"
        }
    }
}
