import EmbeddingCache
import Foundation

/// A dataset manifest: a JSON Lines file, one sample per line, each an object with a string `id`.
///
/// Values are strings (a file path, relative to the manifest's folder, or a text) or lists of
/// strings (file paths, in order); other values are kept as unusable. Blank lines are skipped.
struct Manifest {
    /// One value of a sample.
    enum Value: Decodable {
        case string(String)
        case list([String])
        case other

        init(from decoder: any Decoder) throws {
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
    struct Sample {
        var id: String
        var values: [String: Value]
    }

    /// The samples, in file order.
    let samples: [Sample]
    /// The folder relative paths are resolved against, ending in `/`.
    let folder: String

    /// Reads and parses a manifest.
    ///
    /// - Throws: ``EmbeddingCacheError`` naming the file and line of an unreadable file, a line that
    ///   is not a JSON object, a missing or repeated `id`.
    init(path: String) throws {
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
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : folder + path
    }
}
