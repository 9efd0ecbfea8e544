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

/// A worker whose handshake asks for `"input": "pixels"` gets decoded images and may sit behind
/// the pixel key.
struct PixelWorkerEndToEndTests {
    @Test func aPixelsWorkerIsServedDecodedImagesAndHitsOnPixels() throws {
        let cli = try CLIProcess()
        let image = PixelKeyEndToEndTests.image(seed: 5)
        let path = try cli.write("images/a.png", "")
        try PNGWriter(compressionLevel: 9).encode(image).write(to: URL(fileURLWithPath: path))
        _ = try cli.write("images/b.txt", "not an image")
        let arguments = ["embed", "images", "--encoder", Workers.numpy("--pixels --dim 8"), "--pixel-key", "--json"]
        let cold = try cli.run(arguments + ["--output", "cold.npy"])
        #expect(cold.status == 3, "\(cold.stderr)")
        let coldReport = try cold.json()
        #expect(coldReport["misses"] as? Int == 1 && coldReport["failed"] as? Int == 1)

        let options = PNGWriter(compressionLevel: 0, text: [("Software", "another tool")])
        try options.encode(image).write(to: URL(fileURLWithPath: path))
        let warm = try cli.run(arguments + ["--output", "warm.npy"]).json()
        #expect(warm["pixel_hits"] as? Int == 1 && warm["encoded"] as? Int == 0)
        let coldRow = try NPYFile(contentsOf: cli.path("cold.npy")).row(0)
        #expect(try NPYFile(contentsOf: cli.path("warm.npy")).row(0) == coldRow)

        // The worker saw exactly the decoded samples: the same worker reading them as raw bytes
        // computes the same vector.
        let samples = try cli.write("samples.raw", "")
        try image.pixels.write(to: URL(fileURLWithPath: samples))
        let raw = try cli.run(["embed", samples, "--encoder", Workers.numpy("--dim 8"), "--output", "raw.npy"])
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(try NPYFile(contentsOf: cli.path("raw.npy")).row(0) == coldRow)
    }
}
