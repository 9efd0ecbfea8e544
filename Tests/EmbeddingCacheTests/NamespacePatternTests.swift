import EmbeddingCache
import Foundation
import Testing

/// `MODEL[|PREPROCESSING[|STORAGE]]` patterns, now parsed in the core without Foundation.
struct NamespacePatternTests {
    @Test(arguments: [
        " model | prep | lossless ", "\tmodel\u{00A0}|\u{3000}prep", "model\n| prep", "a b | c d ", "model|",
        "m||float16",
    ])
    func fieldsAreTrimmedOfTheBlanksFoundationsWhitespacesHolds(_ text: String) throws {
        let pattern = try #require(NamespacePattern(text))
        let fields = text.split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(pattern.model == fields[0])
        #expect(pattern.preprocessing == (fields.count > 1 ? fields[1] : nil))
        #expect(pattern.storage?.rawValue == (fields.count > 2 ? fields[2] : nil))
        #expect(pattern.description == text)
    }

    @Test(arguments: ["", " | prep", "a|b|c|d", "a|b|unknown-policy"])
    func malformedPatternsAreRefused(_ text: String) {
        #expect(NamespacePattern(text) == nil)
    }

    @Test func aPatternMatchesOnlyTheFieldsItGives() throws {
        let namespace = Namespace(model: "m", preprocessing: "p", storage: .lossless)
        #expect(try #require(NamespacePattern("m")).matches(namespace))
        #expect(try #require(NamespacePattern("m | p | lossless")).matches(namespace))
        #expect(try #require(NamespacePattern("m | q")).matches(namespace) == false)
        #expect(try #require(NamespacePattern("m | p | float16")).matches(namespace) == false)
    }
}
