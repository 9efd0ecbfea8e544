public import ArgumentParser
public import EmbeddingCache

/// `--namespace MODEL[|PREPROCESSING[|STORAGE]]`.
extension NamespacePattern: ExpressibleByArgument {
    /// Parses the argument as a pattern; `nil` makes the parser report a usage error.
    public init?(argument: String) { self.init(argument) }
}
