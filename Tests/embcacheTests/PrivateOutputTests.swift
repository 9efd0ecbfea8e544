import EmbeddingCacheTesting
import Foundation
import Testing

@testable import EmbeddingCacheDatasets

/// What `embcache` writes is its owner's only, never written through a planted symbolic link, and
/// never two samples in one file.
struct PrivateOutputTests {
    static func mode(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_mode & 0o777) : nil
    }

    @Test func theCacheFolderAndEveryExportAreOwnerOnly() throws {
        let cli = try CLIProcess()
        let files = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 3, tag: "private")
        let embed = try cli.run(
            ["embed"] + files + ["--encoder", "builtin:bytes?dim=16", "--output", cli.path("out.npy")]
        )
        #expect(embed.status == 0, "\(embed.stderr)")
        #expect(Self.mode(cli.path("cache")) == 0o700)
        #expect(Self.mode(cli.storePath) == 0o600)
        #expect(Self.mode(cli.path("out.npy")) == 0o600)
        let namespace = "builtin:bytes/v1?dim=16|raw-bytes|lossless"
        #expect(try cli.run(["export", "--namespace", namespace, "--out", cli.path("moved/deeper")]).status == 0)
        #expect(Self.mode(cli.path("moved")) == 0o700 && Self.mode(cli.path("moved/deeper")) == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: cli.path("moved/deeper")) {
            #expect(Self.mode(cli.path("moved/deeper/\(name)")) == 0o600, "\(name)")
        }
    }

    @Test func aSymbolicLinkPlantedAtTheTemporaryPathIsNotFollowed() throws {
        let scratch = try ScratchDirectory(prefix: "embcache-output")
        let victim = scratch.url.appendingPathComponent("victim.txt").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        let path = scratch.url.appendingPathComponent("out.bin").path
        try FileManager.default.createSymbolicLink(atPath: path + ".partial", withDestinationPath: victim)
        let file = try OutputFile(path: path)
        try file.write(Data("new".utf8))
        try file.commit()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(Self.mode(path) == 0o600)
    }

    @Test func idsEqualAfterCaseFoldingOrHoldingNULAreRefused() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 2)
        #expect(try dataset.precompute().status == 0)
        let lines = try String(contentsOfFile: dataset.manifest, encoding: .utf8).split(separator: "\n").map(
            String.init
        )
        let folded = lines + [lines[0].replacingOccurrences(of: #""id": "s0""#, with: #""id": "S0""#)]
        try folded.joined(separator: "\n").write(toFile: dataset.manifest, atomically: true, encoding: .utf8)
        let colliding = try dataset.export(to: "per")
        #expect(colliding.status == 1)
        #expect(colliding.stderr.contains("'s0'") && colliding.stderr.contains("'S0'"), "\(colliding.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("per")), "nothing is written")
        #expect(try dataset.export(to: "shards", ["--shard-size", "2"]).status == 0, "shards hold any ids")

        let nul = lines + [lines[0].replacingOccurrences(of: #""id": "s0""#, with: #""id": "s0\u0000x""#)]
        try nul.joined(separator: "\n").write(toFile: dataset.manifest, atomically: true, encoding: .utf8)
        let refused = try dataset.export(to: "nul")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("NUL"), "\(refused.stderr)")
    }

    @Test func filesWhoseNamesAreNotUTF8AreEmbedded() throws {
        let cli = try CLIProcess()
        _ = try cli.write("inputs/plain.bin", "plain")
        let name = Array(cli.path("inputs").utf8) + Array("/odd-".utf8) + [0xFF, 0xFE] + Array(".bin".utf8)
        let descriptor = (name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        }
        #expect(descriptor >= 0)
        _ = Array("odd bytes".utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        let embed = ["embed", cli.path("inputs"), "--encoder", "builtin:bytes?dim=16", "--json"]
        let first = try cli.run(embed)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try first.json()
        #expect(report["inputs"] as? Int == 2 && report["encoded"] as? Int == 2, "\(report)")
        let second = try cli.run(embed).json()
        #expect(second["hits"] as? Int == 2)
        let hashed = try cli.run(["near-duplicates", cli.path("inputs"), "--json"])
        #expect(hashed.stderr.contains(#"odd-\xFF\xFE.bin': its name is not valid UTF-8"#), "\(hashed.stderr)")
    }
}
