/// A `MODEL[|PREPROCESSING[|STORAGE]]` pattern: the namespaces it names.
///
/// Fields are separated by `|` and trimmed, so the `model | preprocessing | storage` form that
/// `stats` prints can be pasted; a field left out matches any value.
///
/// ```swift
/// let pattern = NamespacePattern("builtin:bytes/v1?dim=64 | raw-bytes")!
/// let chosen = NamespacePattern.namespaces(matching: [pattern], in: try await store.statistics())
/// ```
public struct NamespacePattern: CustomStringConvertible, Sendable {
    /// The model identity a namespace must have.
    public var model: String
    /// The preprocessing identity a namespace must have, or `nil` for any.
    public var preprocessing: String?
    /// The storage policy a namespace must have, or `nil` for any.
    public var storage: StoragePolicy?
    /// The pattern as written.
    public let description: String

    /// Parses a pattern.
    ///
    /// - Parameter text: One to three `|`-separated fields, the model first and not empty.
    /// - Returns: `nil` for an empty model, more than three fields, or an unknown storage policy.
    public init?(_ text: String) {
        let fields = text.split(separator: "|", omittingEmptySubsequences: false)
            .map(Self.trimmed)
        guard (1...3).contains(fields.count), !fields[0].isEmpty else { return nil }
        model = fields[0]
        preprocessing = fields.count > 1 ? fields[1] : nil
        if fields.count > 2 {
            guard let policy = StoragePolicy(rawValue: fields[2]) else { return nil }
            storage = policy
        }
        description = text
    }

    /// `field` without leading and trailing blanks: tabs and space separators (what Foundation's
    /// `CharacterSet.whitespaces` holds).
    private static func trimmed(_ field: Substring) -> String {
        func blank(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = field.unicodeScalars
        guard let first = scalars.firstIndex(where: { !blank($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !blank($0) }) ?? first
        return String(scalars[first...last])
    }

    /// Whether `namespace` is one this pattern names.
    ///
    /// - Parameter namespace: The namespace to test.
    /// - Returns: Whether every field the pattern gives equals the namespace's.
    public func matches(_ namespace: Namespace) -> Bool {
        namespace.model == model && (preprocessing.map { $0 == namespace.preprocessing } ?? true)
            && (storage.map { $0 == namespace.storage } ?? true)
    }

    /// The namespaces of `statistics` that any of `patterns` names.
    ///
    /// - Parameters:
    ///   - patterns: The patterns.
    ///   - statistics: A store's statistics.
    /// - Returns: The matching namespaces, in the statistics' order.
    public static func namespaces(matching patterns: [NamespacePattern], in statistics: StoreStatistics) -> [Namespace]
    {
        statistics.namespaces.map(\.namespace).filter { namespace in patterns.contains { $0.matches(namespace) } }
    }
}
