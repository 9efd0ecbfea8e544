import EmbeddingCacheImages
import Foundation
import Testing

/// `embcache embed --pixel-key`: a lossless re-save hits on its pixels, then on its bytes.
struct PixelKeyEndToEndTests {
    static let encoder = "builtin:pixel-projection?size=8&dim=16"

    /// A 32×24 RGB gradient, different for each `seed`.
    static func image(seed: Int) -> DecodedImage {
        var pixels = [UInt8]()
        for index in 0..<(32 * 24) {
            let row = index / 32
            let column = index % 32
            pixels.append(UInt8((index * 7 + seed) % 256))
            pixels.append(UInt8((row * 11 + seed * 3) % 256))
            pixels.append(UInt8(column * 8))
        }
        return DecodedImage(width: 32, height: 24, layout: .rgb, bitDepth: 8, pixels: Data(pixels))
    }

    private func save(_ cli: CLIProcess, _ image: DecodedImage, as name: String, _ writer: PNGWriter) throws {
        let path = try cli.write("images/\(name)", "")
        try writer.encode(image).write(to: URL(fileURLWithPath: path))
    }

    @Test func aLosslessResaveHitsOnPixelsThenOnBytes() throws {
        let cli = try CLIProcess()
        try save(cli, Self.image(seed: 1), as: "a.png", PNGWriter(compressionLevel: 9))
        try save(cli, Self.image(seed: 2), as: "b.png", PNGWriter(compressionLevel: 9))
        let arguments = ["embed", "images", "--encoder", Self.encoder, "--pixel-key", "--json"]
        let cold = try cli.run(arguments + ["--output", "cold.npy"]).json()
        #expect(cold["misses"] as? Int == 2 && cold["decoded"] as? Int == 2 && cold["pixel_hits"] as? Int == 0)

        let original = try Data(contentsOf: URL(fileURLWithPath: cli.path("images/a.png")))
        try save(cli, Self.image(seed: 1), as: "a.png", PNGWriter(compressionLevel: 1, text: [("Comment", "re-saved")]))
        let resaved = try Data(contentsOf: URL(fileURLWithPath: cli.path("images/a.png")))
        #expect(resaved != original)

        let pixelRun = try cli.run(arguments + ["--output", "pixel.npy"]).json()
        #expect(pixelRun["hits"] as? Int == 2 && pixelRun["pixel_hits"] as? Int == 1)
        #expect(pixelRun["decoded"] as? Int == 1 && pixelRun["encoded"] as? Int == 0)
        let coldRows = try NPYFile(contentsOf: cli.path("cold.npy"))
        let pixelRows = try NPYFile(contentsOf: cli.path("pixel.npy"))
        #expect(pixelRows.row(0) == coldRows.row(0) && pixelRows.row(1) == coldRows.row(1))

        let byteRun = try cli.run(arguments).json()
        #expect(byteRun["hits"] as? Int == 2 && byteRun["pixel_hits"] as? Int == 0 && byteRun["decoded"] as? Int == 0)
    }

    @Test func withoutThePixelKeyAResaveMisses() throws {
        let cli = try CLIProcess()
        try save(cli, Self.image(seed: 3), as: "a.png", PNGWriter(compressionLevel: 9))
        _ = try cli.run(["embed", "images", "--encoder", Self.encoder, "--json"])
        try save(cli, Self.image(seed: 3), as: "a.png", PNGWriter(compressionLevel: 0))
        let report = try cli.run(["embed", "images", "--encoder", Self.encoder, "--json"]).json()
        #expect(report["misses"] as? Int == 1 && report["decoded"] as? Int == 0)
    }

    @Test func anEncoderThatReadsBytesIsRefused() throws {
        let cli = try CLIProcess()
        try save(cli, Self.image(seed: 4), as: "a.png", PNGWriter())
        let result = try cli.run(["embed", "images", "--encoder", "builtin:bytes", "--pixel-key"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("decoded-pixels"), "\(result.stderr)")
    }
}
