import EmbeddingCacheImages
import Foundation
import Testing

/// pHash and dHash against Python's `imagehash` on a varied set of photo-like images drawn by
/// Pillow (`Scripts/imagehash_reference.py corpus`): gradients, shapes, strokes, blur and noise,
/// at sizes from 24 to 640 pixels and aspect ratios from 1:2 to 2:1. Runs when `imagehash` is
/// installed (`Scripts/test.sh` installs it). With `EMBCACHE_TEST_PHOTOS=FOLDER`, the images are
/// instead the photographs in FOLDER and random crops of them at those sizes.
@Suite(.enabled(if: ReferencePython.hasImagehash, "needs python3 with imagehash, pillow and scipy"))
struct ImagehashAgreementTests {
    struct Entry: Decodable {
        var file: String
        var width: Int
        var height: Int
        var phash: String
        var dhash: String
    }

    @Test func atLeast95PercentAgreeWithinTwoBits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imagehash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = ProcessInfo.processInfo.environment["EMBCACHE_TEST_PHOTOS"].map { ["--photos", $0] } ?? []
        try #require(
            try ReferencePython.run([ReferencePython.script, "corpus", folder.path, "--count", "200"] + photos) == 0
        )
        let entries = try JSONDecoder().decode(
            [Entry].self,
            from: Data(contentsOf: folder.appendingPathComponent("index.json"))
        )
        try #require(entries.count == 200)
        for algorithm in PerceptualHash.Algorithm.allCases {
            var distances: [Int] = []
            for entry in entries {
                let pixels = try Data(contentsOf: folder.appendingPathComponent(entry.file))
                let image = DecodedImage(
                    width: entry.width,
                    height: entry.height,
                    layout: .rgb,
                    bitDepth: 8,
                    pixels: pixels
                )
                let expected = try #require(PerceptualHash(hex: algorithm == .phash ? entry.phash : entry.dhash))
                distances.append(PerceptualHash(of: image, algorithm: algorithm).distance(to: expected))
            }
            let exact = distances.count { $0 == 0 }
            let close = distances.count { $0 <= 2 }
            print("\(algorithm): \(exact) of \(entries.count) equal to imagehash's, \(close) within 2 bits")
            #expect(close * 100 >= entries.count * 95, "\(algorithm): \(close) of \(entries.count) within 2 bits")
        }
    }
}

/// Python with `imagehash`, and `Scripts/imagehash_reference.py`.
enum ReferencePython {
    /// The path of `Scripts/imagehash_reference.py`.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/imagehash_reference.py").path

    /// Whether `python3` can import `imagehash` and `scipy`.
    static var hasImagehash: Bool { (try? run(["-c", "import imagehash, scipy"])) == 0 }

    /// Runs `python3 arguments…` and returns its exit status.
    static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
