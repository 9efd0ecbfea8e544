import Foundation
import Testing

/// `embcache near-duplicates` end to end, on PNG files drawn by Pillow, with the hashes checked
/// against Python's `imagehash` on the same files.
struct NearDuplicatesCommandTests {
    /// Draws the images into the folder `argv[1]` and prints imagehash's pHash of each PNG as JSON.
    ///
    /// `photo` is a photo-like picture; `photo-resaved` has its pixels in another PNG (compression
    /// level 9, a text chunk); `photo-copy` is a byte-for-byte copy; `photo-textured` adds a
    /// one-pixel checkerboard, so it is a different image whose pHash is the same (the resize to
    /// 32×32 averages the checkerboard away); `other` is unrelated. `truncated.png` and `notes.txt`
    /// cannot be decoded.
    static let drawImages = """
        import json, os, shutil, sys
        import imagehash, numpy as np
        from PIL import Image, ImageDraw, PngImagePlugin
        folder = sys.argv[1]
        def picture(seed):
            rng = np.random.default_rng(seed)
            image = Image.new("RGB", (256, 192), tuple(int(v) for v in rng.integers(0, 256, 3)))
            draw = ImageDraw.Draw(image)
            for _ in range(8):
                x, y = sorted(rng.integers(0, 256, 2).tolist()), sorted(rng.integers(0, 192, 2).tolist())
                draw.ellipse([x[0], y[0], x[1], y[1]], fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
            return np.asarray(image).astype(np.int64) + rng.integers(-8, 9, (192, 256, 3))
        photo = np.clip(picture(1), 0, 255)
        save = lambda pixels, name, **options: Image.fromarray(pixels.astype(np.uint8)).save(os.path.join(folder, name), **options)
        save(photo, "photo.png", compress_level=1)
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "re-saved by a thumbnailer")
        save(photo, "photo-resaved.png", compress_level=9, pnginfo=text)
        shutil.copyfile(os.path.join(folder, "photo.png"), os.path.join(folder, "photo-copy.png"))
        ys, xs = np.mgrid[0:192, 0:256]
        checker = np.where((xs + ys) % 2 == 0, 60, -60)[..., None]
        save(np.clip(photo + checker, 0, 255), "photo-textured.png")
        save(np.clip(picture(2), 0, 255), "other.png")
        data = open(os.path.join(folder, "other.png"), "rb").read()
        open(os.path.join(folder, "truncated.png"), "wb").write(data[: len(data) // 2])
        open(os.path.join(folder, "notes.txt"), "w").write("not an image")
        hashes = {name: str(imagehash.phash(Image.open(os.path.join(folder, name))))
                  for name in sorted(os.listdir(folder)) if name.endswith(".png") and name != "truncated.png"}
        print(json.dumps(hashes))
        """

    /// The scratch CLI, its `images` folder drawn, and imagehash's pHash per file name.
    static func drawn() throws -> (CLIProcess, folder: String, hashes: [String: String]) {
        let cli = try CLIProcess()
        let folder = cli.path("images")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let python = try ExportTests.python(drawImages, [folder])
        try #require(python.status == 0, "\(python.output)")
        let hashes = try #require(JSONSerialization.jsonObject(with: Data(python.output.utf8)) as? [String: String])
        return (cli, folder, hashes)
    }

    /// The pairs of a `--json` report as sets of file names, with each pair's object.
    static func pairs(_ report: [String: Any]) throws -> [Set<String>: [String: Any]] {
        let pairs = try #require(report["pairs"] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: pairs.map { pair in
                let names = [pair["first"], pair["second"]].compactMap {
                    ($0 as? String).map { URL(fileURLWithPath: $0).lastPathComponent }
                }
                return (Set(names), pair)
            }
        )
    }

    @Test func findsTheNearDuplicatesAndSkipsUndecodableFiles() throws {
        let (cli, folder, hashes) = try Self.drawn()
        let run = try cli.run(["near-duplicates", folder, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try run.json()
        #expect(report["images"] as? Int == 7)
        #expect(report["hashed"] as? Int == 5)
        #expect(report["unreadable"] as? Int == 2)
        let failed = (report["failures"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(failed.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted() == ["notes.txt", "truncated.png"])
        #expect(run.stderr.contains("embcache: failed: \(folder)/truncated.png"))

        let pairs = try Self.pairs(report)
        let family: Set = ["photo.png", "photo-resaved.png", "photo-copy.png", "photo-textured.png"]
        let expected = Set(family.flatMap { first in family.filter { $0 != first }.map { Set([first, $0]) } })
        #expect(Set(pairs.keys) == expected, "every pair of the photo's family, and nothing with other.png")
        for (names, pair) in pairs {
            let (first, second) = try (#require(pair["first"] as? String), #require(pair["second"] as? String))
            #expect(pair["first_hash"] as? String == hashes[URL(fileURLWithPath: first).lastPathComponent], "\(names)")
            #expect(
                pair["second_hash"] as? String == hashes[URL(fileURLWithPath: second).lastPathComponent],
                "\(names)"
            )
            #expect((pair["distance"] as? Int).map { $0 <= 4 } == true)
        }
        #expect(pairs[["photo.png", "photo-resaved.png"]]?["distance"] as? Int == 0)

        let strict = try cli.run(["near-duplicates", folder, "--fail-on-unreadable"])
        #expect(strict.status == 3)
        #expect(strict.stdout.split(separator: "\n").count == expected.count, "one line per pair")
    }

    @Test func verifyFlagsPairsWhoseEmbeddingsDisagree() throws {
        let (cli, folder, _) = try Self.drawn()
        for name in ["truncated.png", "notes.txt", "other.png"] {
            try FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        let arguments = ["near-duplicates", folder, "--verify", "--encoder", "builtin:bytes?dim=32", "--json"]
        let first = try cli.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try first.json()
        #expect(report["misses"] as? Int == 4 && report["hits"] as? Int == 0)
        #expect(report["min_cosine"] as? Double == 0.95)
        let pairs = try Self.pairs(report)
        // builtin:bytes embeds bytes: only the byte-for-byte copy agrees with the photo.
        #expect(pairs[["photo.png", "photo-copy.png"]]?["false_positive"] as? Bool == false)
        #expect((pairs[["photo.png", "photo-copy.png"]]?["cosine"] as? Double).map { abs($0 - 1) < 1e-6 } == true)
        #expect(pairs[["photo.png", "photo-textured.png"]]?["false_positive"] as? Bool == true)
        #expect(report["false_positives"] as? Int == pairs.count - 1, "every pair but the photo and its copy")

        let second = try cli.run(arguments).json()
        #expect(second["hits"] as? Int == 4 && second["misses"] as? Int == 0, "the embeddings are cached")
        let documentation = ManagementJSONDocumentationTests.documentation
        for key in ManagementJSONDocumentationTests.keys(of: report) {
            #expect(
                documentation.contains("`\(key)`") || documentation.contains("\"\(key)\""),
                "\(key) is in docs/cli.md"
            )
        }
    }

    @Test func usageErrors() throws {
        let cli = try CLIProcess()
        #expect(try cli.run(["near-duplicates", ".", "--verify"]).status == 2)
        #expect(try cli.run(["near-duplicates", ".", "--encoder", "builtin:bytes"]).status == 2)
        #expect(try cli.run(["near-duplicates", ".", "--max-distance", "65"]).status == 2)
        #expect(try cli.run(["near-duplicates", ".", "--hash", "ahash"]).status == 2)
        let missing = try cli.run(["near-duplicates", "no-such-folder"])
        #expect(missing.status == 1 && missing.stderr.contains("no-such-folder"))
    }
}
