import EmbeddingCache
import Foundation
import Testing

/// Digests against vectors computed with Python's hashlib from docs/digests.md.
struct ContentDigestTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("héllo wörld", "a1003f7d04a4115711d0b48a2eaf1359ce565d2d2a6fd65098dfcffadeeef59f"),
    ])
    func singleInputIsPlainSHA256(text: String, hex: String) {
        #expect(ContentDigest(ofText: text).hex == hex)
        #expect(ContentDigest(of: Data(text.utf8)).hex == hex)
    }

    @Test(
        arguments: [
            ([], "465c90a99ba77fd854cb130274ce31634971a71158b40352d5cdee4f85f960ca"),
            ([""], "e5c403a21405bdf17be03ab741dd478fe5920d4ba2028ecf52b695b575843212"),
            (["abc"], "f786316110ab42bad70e99dfdeabf5ae24be6c6612de52f8d3a9fe089edecbf0"),
            (["ab", "c"], "16091c1c607d835af686d9566ebb9b6b789a888d65e1f5ec1feef313b8a3eedc"),
            (["a", "bc"], "814a24861d90dd497e276047f4223615e259ebcc7745cdd054cdb21f19bda476"),
            (["abc", ""], "ee8e43fcfc2d10e461ac3d9ae81645197647222852f5f2186bef01461dc70108"),
            (["image-bytes", "a red chair"], "cb24d9c9d37b2dab7f42ec394cc20a8bd5ed14651a642bf704312e12a6c21f15"),
        ] as [([String], String)]
    )
    func compositeFramingMatchesPublishedVectors(parts: [String], hex: String) {
        #expect(ContentDigest.composite(parts.map { Data($0.utf8) }).hex == hex)
    }

    /// Sizes on both sides of the 1 MiB limit of the direct read, an empty file included.
    @Test(arguments: [0, 1, 16_000, 100_000, (1 << 20) - 1, (1 << 20) + 5])
    func fileDigestIsWhatSha256sumPrints(size: Int) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(try ContentDigest(ofFileAt: path).hex == String(printed.prefix(64)))
    }

    /// Sets and dictionaries hash only a digest's first 8 bytes; digests that share them must
    /// still be told apart by their other 24.
    @Test func digestsSharingTheirFirstWordAreDistinctKeys() {
        let prefix = [UInt8](repeating: 0xAB, count: 8)
        let digests = (0..<64).map { last in
            ContentDigest(bytes: prefix + [UInt8](repeating: 0, count: 23) + [UInt8(last)])!
        }
        let slots = Dictionary(digests.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(slots.count == 64)
        #expect(Set(digests).count == 64)
        #expect(digests.enumerated().allSatisfy { slots[$1] == $0 })
        let other = ContentDigest(bytes: prefix + [UInt8](repeating: 1, count: 24))!
        #expect(slots[other] == nil)
    }

    @Test func aFolderIsAnUnreadableInputNamingItsPath() throws {
        let path = FileManager.default.temporaryDirectory.path
        #expect {
            try ContentDigest(ofFileAt: path)
        } throws: { error in
            let error = error as? EmbeddingCacheError
            return error?.code == .inputUnreadable && error?.input == path
        }
    }

    @Test func unreadableFileNamesThePath() {
        #expect {
            try ContentDigest(ofFileAt: "/nonexistent/embcache/file.png")
        } throws: { error in
            let error = error as? EmbeddingCacheError
            return error?.code == .inputUnreadable && error?.input == "/nonexistent/embcache/file.png"
        }
    }

    @Test func hexRoundTripsAndRejectsMalformedText() {
        let digest = ContentDigest(ofText: "round trip")
        #expect(ContentDigest(hex: digest.hex) == digest)
        #expect(ContentDigest(hex: digest.hex.uppercased()) == digest)
        #expect(ContentDigest(hex: "zz" + digest.hex.dropFirst(2)) == nil)
        #expect(ContentDigest(hex: digest.hex.dropLast()) == nil)
    }

    @Test func namespaceIdentitiesFollowTheirInputs() throws {
        let configuration = ["resize": "224", "crop": "center"]
        // Python: composite([b"crop", b"center", b"resize", b"224"]) per docs/digests.md.
        #expect(
            Namespace.preprocessingIdentity(configuration)
                == "sha256:18a406673721b383761122d02c9b010038a75206d00e4a5424f07e6974b24305"
        )
        #expect(
            Namespace.preprocessingIdentity(["resize": "336", "crop": "center"])
                != Namespace.preprocessingIdentity(configuration)
        )
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("weights".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try Namespace.modelIdentity(ofFileAt: path) == "sha256:" + ContentDigest(ofText: "weights").hex)
    }
}
