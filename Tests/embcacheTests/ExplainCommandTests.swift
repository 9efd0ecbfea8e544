import Foundation
import Testing

/// `embcache explain` on a hit, a miss, and an input cached under another preprocessing.
struct ExplainCommandTests {
    @Test func explainsAHitAMissAndAChangedPreprocessing() throws {
        let cli = try CLIProcess()
        let cached = try cli.write("cached.txt", "cached input")
        let fresh = try cli.write("fresh.txt", "never embedded")
        #expect(try cli.run(["embed", cached, "--encoder", "builtin:bytes?dim=16"]).status == 0)

        let hit = try cli.run(["explain", cached, "--encoder", "builtin:bytes?dim=16", "--json"])
        #expect(hit.status == 0, "\(hit.stderr)")
        let hitReport = try hit.json()
        #expect(hitReport["hit"] as? Bool == true)
        #expect((hitReport["digest"] as? String)?.count == 64)
        #expect((hitReport["holders"] as? [Any])?.count == 1)

        let miss = try cli.run(["explain", fresh, "--encoder", "builtin:bytes?dim=16", "--json"]).json()
        #expect(miss["hit"] as? Bool == false && (miss["holders"] as? [Any])?.isEmpty == true)
        #expect((miss["verdict"] as? String)?.hasPrefix("miss: no namespace holds") == true)

        // Rewrite the stored namespace's preprocessing, as if the encoder's preprocessing changed.
        try SQLiteShell.run(cli.storePath, "UPDATE namespace SET preprocessing = 'resize-224';")
        let changed = try cli.run(["explain", cached, "--encoder", "builtin:bytes?dim=16", "--json"]).json()
        #expect(changed["hit"] as? Bool == false)
        let near = try #require(changed["near_namespaces"] as? [[String: Any]])
        #expect(near.count == 1)
        #expect(near.first?["differs_in"] as? String == "preprocessing" && near.first?["holds_input"] as? Bool == true)
        #expect((changed["verdict"] as? String)?.contains("differs only in preprocessing") == true)
    }

    /// `explain` takes `--worker-timeout` as `embed` does: a worker that never answers its
    /// handshake is stopped after it, and the run fails naming the handshake.
    @Test func aSilentWorkerIsStoppedAfterTheWorkerTimeout() throws {
        let cli = try CLIProcess()
        let input = try cli.write("input.txt", "an input")
        let started = Date()
        let run = try cli.run(["explain", input, "--encoder", "process:sleep 30", "--worker-timeout", "1"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("handshake"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
