import EmbeddingCache
import Foundation

/// A dataset manifest: a JSON Lines file, one sample per line, each an object with a string `id`.
///
/// Values are strings (a file path, relative to the manifest's folder, or a text) or lists of
/// strings (file paths, in order); other values are kept as unusable. Blank lines are skipped.
///
/// ```swift
/// let manifest = try Manifest(path: "train.jsonl")
/// for sample in manifest.samples { print(sample.id) }
/// ```
public struct Manifest: Sendable {
    /// One value of a sample.
    public enum Value: Decodable, Sendable {
        /// A file path (relative to the manifest's folder) or a text.
        case string(String)
        /// File paths, in order.
        case list([String])
        /// Any other JSON value: kept, but no field can use it.
        case other

        /// Decodes a string, a list of strings, or anything else as ``other``.
        ///
        /// - Parameter decoder: The decoder holding one JSON value.
        /// - Throws: Only when the decoder holds no value at all.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let list = try? container.decode([String].self) {
                self = .list(list)
            } else {
                self = .other
            }
        }
    }

    /// One sample: its id and its values by key.
    public struct Sample: Sendable {
        /// The sample's `id`, unique in its manifest.
        public var id: String
        /// Every value of the line by key, `id` included.
        public var values: [String: Value]
    }

    /// The samples, in file order.
    public let samples: [Sample]
    /// The folder relative paths are resolved against, ending in `/`.
    public let folder: String

    /// Reads and parses a manifest.
    ///
    /// - Parameter path: The JSON Lines file.
    /// - Throws: ``EmbeddingCacheError`` naming the file and line of an unreadable file, a line that
    ///   is not a JSON object, a missing or repeated `id`.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        folder = parent.hasSuffix("/") ? parent : parent + "/"
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw EmbeddingCacheError(.inputUnreadable, "cannot read the manifest \(path)", underlying: error)
        }
        var samples = [Sample]()
        var seen = Set<String>()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let place = "\(path) line \(number + 1)"
            guard let values = try? JSONDecoder().decode([String: Value].self, from: Data(line.utf8)) else {
                throw EmbeddingCacheError(.invalidArgument, "\(place) is not a JSON object")
            }
            guard case .string(let id) = values["id"], !id.isEmpty else {
                throw EmbeddingCacheError(.invalidArgument, "\(place) has no string \"id\"")
            }
            guard seen.insert(id).inserted else {
                throw EmbeddingCacheError(.invalidArgument, "\(place) repeats the id '\(id)'")
            }
            samples.append(Sample(id: id, values: values))
        }
        self.samples = samples
    }

    /// `path` resolved against the manifest's folder when relative.
    ///
    /// Plain concatenation: it runs for every file of every sample, where building a `URL` each
    /// time showed in export profiles.
    ///
    /// - Parameter path: A path from a sample's value.
    /// - Returns: The path itself when absolute, else the folder's path followed by it.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : folder + path
    }
}
