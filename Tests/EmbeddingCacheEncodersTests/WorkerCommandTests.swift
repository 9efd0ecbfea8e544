import EmbeddingCache
import Testing

@testable import EmbeddingCacheEncoders

/// Shell-style splitting of `process:` command lines, with no shell involved.
struct WorkerCommandTests {
    @Test(arguments: [
        ("python3 worker.py --dim 8", ["python3", "worker.py", "--dim", "8"]),
        ("  spaced\t out \n", ["spaced", "out"]),
        ("python3 'my worker.py' \"a \\\"b\\\" \\n\"", ["python3", "my worker.py", "a \"b\" \\n"]),
        ("a\\ b c''d \"\"", ["a b", "cd", ""]),
        ("echo $HOME ~ *", ["echo", "$HOME", "~", "*"]),
    ])
    func splits(text: String, words: [String]) throws {
        #expect(try WorkerCommand(parsing: text).arguments == words)
    }

    @Test(arguments: ["", "   ", "python3 'open", "python3 \"open", "trailing\\"])
    func rejects(text: String) {
        #expect(throws: EmbeddingCacheError.self) { try WorkerCommand(parsing: text) }
    }

    @Test func processSpecificationKeepsTheWholeCommand() throws {
        let specification = try EncoderSpecification(parsing: "process:python3 w.py --q 'a?b&c=d'")
        #expect(specification.scheme == "process")
        #expect(specification.name == "python3 w.py --q 'a?b&c=d'")
        #expect(specification.parameters.isEmpty)
        #expect(throws: EmbeddingCacheError.self) { try EncoderSpecification(parsing: "process:python3 'open") }
        #expect(throws: EmbeddingCacheError.self) { try specification.makeEncoder() }
        try specification.validate()
    }
}
