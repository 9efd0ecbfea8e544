import Foundation
import Testing

/// `embcache embed` over a folder of images with `builtin:pixel-projection`: damaged files fail
/// alone, named, and every other image is embedded.
struct ImageEmbedEndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EmbeddingCacheImagesTests/Fixtures")

    /// Copies a fixture into the scratch directory, optionally keeping only its first bytes.
    private func copy(_ cli: CLIProcess, _ fixture: String, to name: String, prefix: Int? = nil) throws -> String {
        let bytes = try Data(contentsOf: Self.fixtures.appendingPathComponent(fixture))
        let path = try cli.write("images/\(name)", "")
        try bytes.prefix(prefix ?? bytes.count).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func damagedImagesFailAloneAndTheOthersAreEmbedded() throws {
        let cli = try CLIProcess()
        let good = [
            try copy(cli, "png/type2-8.png", to: "a-rgb.png"),
            try copy(cli, "png/grey16-adam7.png", to: "b-grey16.png"),
            try copy(cli, "png/palette4-trns.png", to: "c-palette.png"),
            try copy(cli, "jpeg/orientation-6.jpg", to: "d-rotated.jpg"),
        ]
        let truncated = try copy(cli, "png/type6-8.png", to: "e-truncated.png", prefix: 60)
        let bomb = try copy(cli, "png/bomb.png", to: "f-bomb.png")
        let text = try cli.write("images/g-notes.png", "not an image")
        let encoder = "builtin:pixel-projection?size=8&dim=16"
        let result = try cli.run(["embed", "images", "--encoder", encoder, "--output", "out.npy", "--json"])
        #expect(result.status == 3, "\(result.stderr)")
        let report = try result.json()
        #expect(report["inputs"] as? Int == 7)
        #expect(report["failed"] as? Int == 3)
        let failures = try #require(report["failures"] as? [[String: String]])
        // Paths as the folder expansion names them, relative to the "images" argument.
        let relative = [truncated, bomb, text].map { "images/" + URL(fileURLWithPath: $0).lastPathComponent }
        #expect(failures.map { $0["path"] } == relative)
        #expect(failures[1]["reason"]?.contains("100000×100000") == true)
        let matrix = try NPYFile(contentsOf: cli.path("out.npy"))
        #expect(matrix.shape == [7, 16])
        for index in good.indices {
            let norm = matrix.row(index).reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        for index in 4..<7 { #expect(matrix.row(index).allSatisfy { $0.isNaN }) }

        let again = try cli.run(["embed", "images", "--encoder", encoder, "--json"])
        #expect(try again.json()["hits"] as? Int == 4)
    }
}
