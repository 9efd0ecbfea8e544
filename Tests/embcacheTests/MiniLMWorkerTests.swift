import Foundation
import Testing

/// The all-MiniLM-L6-v2 reference worker (numpy forward pass) through the built binary.
struct MiniLMWorkerTests {
    /// sbert.net's semantic textual similarity example for all-MiniLM-L6-v2: each sentence of the
    /// first list against each of the second, with the cosine scores the page prints
    /// (https://sbert.net/docs/sentence_transformer/usage/semantic_textual_similarity.html).
    private let first = ["The new movie is awesome", "The cat sits outside", "A man is playing guitar"]
    private let second = ["The dog plays in the garden", "The new movie is so great", "A woman watches TV"]
    private let published: [[Float]] = [
        [0.0543, 0.8939, -0.0502],
        [0.2838, -0.0029, 0.1310],
        [0.2277, -0.0136, -0.0327],
    ]

    @Test func matchesSentenceTransformersPublishedScores() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", first + second)
        let result = try cli.run([
            "embed", "--lines", "in.txt", "--encoder", Workers.miniLM, "--output", "out.npy", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let namespace = try #require(try result.json()["namespace"] as? [String: String])
        #expect(namespace["model"]?.hasPrefix("sentence-transformers/all-MiniLM-L6-v2@sha256:") == true)
        let matrix = try NPYFile(contentsOf: cli.path("out.npy"))
        #expect(matrix.shape == [6, 384])
        func cosine(_ a: Int, _ b: Int) -> Float { zip(matrix.row(a), matrix.row(b)).reduce(0) { $0 + $1.0 * $1.1 } }
        for row in 0..<6 { #expect(abs(cosine(row, row) - 1) < 1e-5, "row \(row) is unit length") }
        for i in 0..<3 {
            for j in 0..<3 {
                #expect(abs(cosine(i, 3 + j) - published[i][j]) < 5e-4, "\(first[i]) / \(second[j])")
            }
        }
        #expect(cosine(0, 4) > cosine(0, 3) + 0.5, "the paraphrase scores far closer than unrelated sentences")
    }
}
