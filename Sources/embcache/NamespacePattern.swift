import ArgumentParser
import EmbeddingCache
import Foundation

/// A `--namespace MODEL[|PREPROCESSING[|STORAGE]]` value: the namespaces it names.
///
/// Fields are separated by `|` and trimmed, so the `model | preprocessing | storage` form that
/// `stats` prints can be pasted; a field left out matches any value.
struct NamespacePattern: ExpressibleByArgument, CustomStringConvertible {
    var model: String
    var preprocessing: String?
    var storage: StoragePolicy?
    let description: String

    init?(argument: String) {
        let fields = argument.split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...3).contains(fields.count), !fields[0].isEmpty else { return nil }
        model = fields[0]
        preprocessing = fields.count > 1 ? fields[1] : nil
        if fields.count > 2 {
            guard let policy = StoragePolicy(rawValue: fields[2]) else { return nil }
            storage = policy
        }
        description = argument
    }

    /// Whether `namespace` is one this pattern names.
    func matches(_ namespace: Namespace) -> Bool {
        namespace.model == model && (preprocessing.map { $0 == namespace.preprocessing } ?? true)
            && (storage.map { $0 == namespace.storage } ?? true)
    }

    /// The namespaces of `statistics` that any of `patterns` names.
    static func namespaces(matching patterns: [NamespacePattern], in statistics: StoreStatistics) -> [Namespace] {
        statistics.namespaces.map(\.namespace).filter { namespace in patterns.contains { $0.matches(namespace) } }
    }
}
