import Foundation
import Testing

/// `embcache import` of folders from anywhere: hostile shards and index entries are errors naming
/// them, the other records are imported, and the process never dies of a signal.
struct ImportHostileTests {
    static let namespace = "builtin:bytes/v1?dim=16|raw-bytes|lossless"

    /// An export of 4 embedded files in `moved/`, and its index as a JSON object.
    private static func exported(_ cli: CLIProcess) throws -> [String: Any] {
        let files = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 4, tag: "hostile")
        #expect(try cli.run(["embed"] + files + ["--encoder", "builtin:bytes?dim=16"]).status == 0)
        let export = try cli.run(["export", "--namespace", Self.namespace, "--out", cli.path("moved")])
        #expect(export.status == 0, "\(export.stderr)")
        let index = try Data(contentsOf: URL(fileURLWithPath: cli.path("moved/index.json")))
        return try #require(try JSONSerialization.jsonObject(with: index) as? [String: Any])
    }

    private static func writeIndex(_ cli: CLIProcess, _ index: [String: Any]) throws {
        try JSONSerialization.data(withJSONObject: index).write(to: URL(fileURLWithPath: cli.path("moved/index.json")))
    }

    /// A safetensors file whose header is `json`, followed by `dataBytes` zero bytes.
    private static func shard(header json: String, dataBytes: Int) -> Data {
        let header = Array(json.utf8)
        return Data(withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header)
            + Data(count: dataBytes)
    }

    static let digest = String(repeating: "ab", count: 32)

    static let longName = String(repeating: "n", count: 70_000)

    /// Headers each hostile in one way, for a record of `digest` with one tensor `embedding` (or
    /// ``longName``).
    static let hostileShards: [(String, Data)] = {
        let name = "\(digest)/embedding"
        let rank = Array(repeating: "1", count: 256).joined(separator: ",")
        let long = "\(digest)/\(longName)"
        return [
            (
                "negative offsets",
                shard(header: #"{"\#(name)":{"dtype":"F32","shape":[1],"data_offsets":[-8,-4]}}"#, dataBytes: 8)
            ),
            (
                "out-of-file offsets",
                shard(header: #"{"\#(name)":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 8)
            ),
            (
                "overlapping offsets",
                shard(
                    header:
                        #"{"\#(name)":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                    dataBytes: 12
                )
            ),
            (
                "header longer than the file",
                Data(withUnsafeBytes(of: UInt64(1 << 40).littleEndian, Array.init)) + Data("{}".utf8)
            ),
            (
                "element count overflow",
                shard(
                    header: #"{"\#(name)":{"dtype":"F64","shape":[1152921504606846976],"data_offsets":[0,8]}}"#,
                    dataBytes: 8
                )
            ),
            (
                "rank over 255",
                shard(header: #"{"\#(name)":{"dtype":"U8","shape":[\#(rank)],"data_offsets":[0,1]}}"#, dataBytes: 1)
            ),
            (
                "name over 64 KiB",
                shard(header: #"{"\#(long)":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, dataBytes: 1)
            ),
            (
                "truncated file",
                shard(header: #"{"\#(name)":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 16).prefix(
                    40
                )
            ),
        ]
    }()

    @Test(arguments: hostileShards.indices)
    func aHostileShardIsNamedAndTheOtherShardsAreImported(which: Int) throws {
        let (what, bytes) = Self.hostileShards[which]
        let cli = try CLIProcess()
        var index = try Self.exported(cli)
        try bytes.write(to: URL(fileURLWithPath: cli.path("moved/hostile.safetensors")))
        index["shards"] = (index["shards"] as? [String] ?? []) + ["hostile.safetensors"]
        let tensor = what == "name over 64 KiB" ? Self.longName : "embedding"
        let hostile: [String: Any] = [
            "digest": Self.digest, "shard": "hostile.safetensors", "tensors": [tensor], "checksum": 1,
        ]
        index["records"] = (index["records"] as? [Any] ?? []) + [hostile]
        try Self.writeIndex(cli, index)
        let imported = try cli.run(["import", cli.path("moved"), "--store", cli.path("other.sqlite"), "--json"])
        #expect(imported.status == 3, "\(what): \(imported.stderr)")
        #expect(imported.stderr.contains("hostile.safetensors") || imported.stderr.contains(Self.digest), "\(what)")
        let report = try imported.json()
        #expect(report["imported"] as? Int == 4 && report["corrupt"] as? Int == 1, "\(what): \(report)")
    }

    @Test(arguments: ["../outside.safetensors", "/etc/passwd", "..", "a/../../b"])
    func aShardNameLeavingTheFolderIsRefused(shard: String) throws {
        let cli = try CLIProcess()
        var index = try Self.exported(cli)
        index["shards"] = [shard]
        try Self.writeIndex(cli, index)
        let imported = try cli.run(["import", cli.path("moved"), "--store", cli.path("other.sqlite")])
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("'\(shard)'"), "\(imported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("other.sqlite")), "nothing is stored")
    }

    @Test func aRecordNamingAnUnlistedShardIsCountedCorrupt() throws {
        let cli = try CLIProcess()
        var index = try Self.exported(cli)
        let stray: [String: Any] = [
            "digest": Self.digest, "shard": "unlisted.safetensors", "tensors": ["embedding"], "checksum": 1,
        ]
        index["records"] = (index["records"] as? [Any] ?? []) + [stray]
        try Self.writeIndex(cli, index)
        let imported = try cli.run(["import", cli.path("moved"), "--store", cli.path("other.sqlite"), "--json"])
        #expect(imported.status == 3)
        #expect(imported.stderr.contains("'unlisted.safetensors'"), "\(imported.stderr)")
        let report = try imported.json()
        #expect(report["records"] as? Int == 5 && report["imported"] as? Int == 4 && report["corrupt"] as? Int == 1)
    }

    @Test func namespaceMustMatchWhenGiven() throws {
        let cli = try CLIProcess()
        _ = try Self.exported(cli)
        let other = cli.path("other.sqlite")
        let wrong = try cli.run([
            "import", cli.path("moved"), "--store", other, "--namespace", "builtin:bytes/v1?dim=32",
        ])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("builtin:bytes/v1?dim=16|raw-bytes|lossless"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("builtin:bytes/v1?dim=32"), "\(wrong.stderr)")
        let right = try cli.run([
            "import", cli.path("moved"), "--store", other, "--namespace", Self.namespace, "--json",
        ])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(try right.json()["imported"] as? Int == 4)
    }

    @Test func aForgedNamespaceInTheIndexFailsEveryChecksum() throws {
        let cli = try CLIProcess()
        var index = try Self.exported(cli)
        index["namespace"] = ["model": "builtin:bytes/v1?dim=16", "preprocessing": "forged", "storage": "lossless"]
        try Self.writeIndex(cli, index)
        let imported = try cli.run(["import", cli.path("moved"), "--store", cli.path("other.sqlite"), "--json"])
        #expect(imported.status == 3)
        let report = try imported.json()
        #expect(report["imported"] as? Int == 0 && report["corrupt"] as? Int == 4, "\(report)")
    }
}
