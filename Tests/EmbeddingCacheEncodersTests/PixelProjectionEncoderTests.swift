import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheImages
import FoundationEssentials
import Testing

@Suite struct PixelProjectionEncoderTests {
    static func png(_ image: DecodedImage, compressionLevel: Int = 6) throws -> EncoderInput {
        EncoderInput(parts: [try PNGWriter(compressionLevel: compressionLevel).encode(image)], label: "image.png")
    }

    static func vector(_ encoder: PixelProjectionEncoder, _ input: EncoderInput) async throws -> [Float] {
        let results = try await encoder.encode([input])
        return try #require(try results.first?.get()["embedding"]).floatValues()
    }

    /// A 5 × 3 RGB image whose sample (x, y, c) is (37x + 91y + 53c) mod 256.
    static let rgb: DecodedImage = {
        var samples = [UInt8]()
        for y in 0..<3 {
            for x in 0..<5 {
                for c in 0..<3 { samples.append(UInt8((x * 37 + y * 91 + c * 53) % 256)) }
            }
        }
        return DecodedImage(width: 5, height: 3, layout: .rgb, bitDepth: 8, pixels: Data(samples))
    }()

    /// A 3 × 4 16-bit grey+alpha image whose grey (x, y) is (7919x + 15013y) mod 65536, alpha 1234.
    static let greyAlpha: DecodedImage = {
        var samples = [UInt8]()
        for y in 0..<4 {
            for x in 0..<3 {
                let grey = (x * 7919 + y * 15013) % 65536
                samples += [UInt8(grey >> 8), UInt8(grey & 0xFF), 0x04, 0xD2]
            }
        }
        return DecodedImage(width: 3, height: 4, layout: .greyAlpha, bitDepth: 16, pixels: Data(samples))
    }()

    /// Computed by Vectors/pixel_projection.py from the documented definition.
    @Test(
        arguments: [
            (rgb, 2, 4, UInt64(42), [-0.2967663, -0.3881301, 0.8314099, 0.2646551]),
            (greyAlpha, 2, 3, UInt64(7), [0.0591375, -0.9289982, -0.3653287]),
            (rgb, 7, 5, UInt64(1), [0.8538540, 0.0149157, 0.4297782, 0.1437468, -0.2556137]),
        ] as [(DecodedImage, Int, Int, UInt64, [Float])]
    )
    func matchesTheIndependentComputation(
        image: DecodedImage,
        size: Int,
        dim: Int,
        seed: UInt64,
        expected: [Float]
    )
        async throws
    {
        let encoder = try PixelProjectionEncoder(size: size, dimension: dim, seed: seed)
        let vector = try await Self.vector(encoder, try Self.png(image))
        #expect(vector.count == expected.count)
        for (value, wanted) in zip(vector, expected) { #expect(abs(value - wanted) < 2e-6) }
    }

    @Test func identicalPixelsGiveIdenticalUnitVectors() async throws {
        let encoder = try PixelProjectionEncoder(size: 16, dimension: 64)
        let image = DecodedImage(
            width: 40,
            height: 30,
            layout: .rgb,
            bitDepth: 8,
            pixels: Data((0..<3600).map { (index: Int) -> UInt8 in UInt8((index * 7 + index / 120 * 3) % 256) })
        )
        let first = try await Self.vector(encoder, try Self.png(image, compressionLevel: 1))
        let resaved = try await Self.vector(encoder, try Self.png(image, compressionLevel: 9))
        let again = try await Self.vector(try PixelProjectionEncoder(size: 16, dimension: 64), try Self.png(image))
        #expect(first == resaved)
        #expect(first == again)
        let norm = first.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
        var changed = image.pixels
        changed[0] ^= 0x80
        let other = try await Self.vector(
            encoder,
            try Self.png(DecodedImage(width: 40, height: 30, layout: .rgb, bitDepth: 8, pixels: changed))
        )
        #expect(other != first)
    }

    /// A batch is encoded on every core; each input's result is its own, in order, and an input
    /// that does not decode fails alone, named.
    @Test func aBatchKeepsOrderAndFailsItemsAlone() async throws {
        let encoder = try PixelProjectionEncoder(size: 8, dimension: 16)
        let inputs = try (0..<20).map { index in
            index == 7
                ? EncoderInput(parts: [Data("not an image".utf8)], label: "broken.png")
                : try Self.png(
                    DecodedImage(
                        width: 4,
                        height: 4,
                        layout: .grey,
                        bitDepth: 8,
                        pixels: Data(repeating: UInt8(index * 10), count: 16)
                    )
                )
        }
        let batch = try await encoder.encode(inputs)
        #expect(batch.count == 20)
        for (index, result) in batch.enumerated() {
            switch result {
            case .success(let record):
                #expect(index != 7)
                let alone = try await Self.vector(encoder, inputs[index])
                #expect(record["embedding"]?.floatValues() == alone)
            case .failure(let error):
                #expect(index == 7)
                #expect(error.input == "broken.png")
            }
        }
    }

    @Test func theIdentityCarriesEveryParameterThatChangesTheOutput() throws {
        func namespace(_ text: String) throws -> Namespace {
            try EncoderSpecification(parsing: text).makeEncoder().namespace
        }
        let base = try namespace("builtin:pixel-projection")
        #expect(base == (try namespace("builtin:pixel-projection?size=64&dim=384&seed=0")))
        for changed in ["size=32", "dim=128", "seed=1"] {
            #expect(try namespace("builtin:pixel-projection?\(changed)") != base)
        }
        for unchanged in ["cost-ms=5", "batch=8"] {
            #expect(try namespace("builtin:pixel-projection?\(unchanged)") == base)
        }
        #expect(base.model == "builtin:pixel-projection/v1?dim=384&seed=0")
        #expect(base.preprocessing.contains("area-resize=64x64"))
        #expect(base.preprocessing.contains("alpha=drop"))
        #expect(try EncoderSpecification(parsing: "builtin:pixel-projection").makeEncoder().inputView == .decodedPixels)
        #expect(try EncoderSpecification(parsing: "builtin:bytes").makeEncoder().inputView == .bytes)
    }

    @Test(arguments: [
        "builtin:pixel-projection?size=0", "builtin:pixel-projection?dim=0", "builtin:pixel-projection?size=abc",
        "builtin:pixel-projection?seed=-1", "builtin:pixel-projection?cost-ms=-1", "builtin:pixel-projection?batch=0",
        "builtin:pixel-projection?size=1024&dim=65536", "builtin:pixel-projection?colour=grey",
    ])
    func badParametersAreRefused(specification: String) throws {
        let parsed = try EncoderSpecification(parsing: specification)
        let error = #expect(throws: EmbeddingCacheError.self) { try parsed.makeEncoder() }
        #expect(error?.code == .invalidArgument)
    }
}
