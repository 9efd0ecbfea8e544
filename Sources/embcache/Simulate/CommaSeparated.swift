import ArgumentParser
import Foundation

/// An option value that is a comma-separated list, such as `--strategies none,sha,pixel`.
struct CommaSeparated<Element: ExpressibleByArgument & Hashable & Sendable>: ExpressibleByArgument, Sendable {
    /// The elements, in the order given, each once.
    var elements: [Element]

    init?(argument: String) {
        var elements: [Element] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let element = Element(argument: part.trimmingCharacters(in: .whitespaces)),
                !elements.contains(element)
            else { return nil }
            elements.append(element)
        }
        guard !elements.isEmpty else { return nil }
        self.elements = elements
    }

    var defaultValueDescription: String { elements.map { "\($0)" }.joined(separator: ",") }
}
