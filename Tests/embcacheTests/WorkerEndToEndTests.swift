import Foundation
import Testing

/// `embed --encoder process:…` through the built binary and the real numpy reference worker.
struct WorkerEndToEndTests {
    private let lines = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]

    @Test func coldThenWarmAllHitsEqualToAFreshRun() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", lines)
        let arguments = ["embed", "--lines", "in.txt", "--encoder", Workers.numpy("--dim 16"), "--json"]
        let cold = try cli.run(arguments + ["--output", "cold.npy"])
        #expect(cold.status == 0, "\(cold.stderr)")
        let coldReport = try cold.json()
        #expect(coldReport["misses"] as? Int == 6)
        let namespace = try #require(coldReport["namespace"] as? [String: String])
        #expect(namespace["model"]?.hasPrefix("numpy_worker:") == true)
        let warm = try cli.run(arguments + ["--output", "warm.npy"])
        let warmReport = try warm.json()
        #expect(warm.status == 0, "\(warm.stderr)")
        #expect(warmReport["hits"] as? Int == 6)
        #expect(warmReport["encoded"] as? Int == 0)
        #expect(coldReport["workers_started"] as? Int == 1)
        #expect(warmReport["workers_started"] as? Int == 0, "the handshake was remembered: no worker for all hits")
        let fresh = try cli.run(arguments + ["--no-cache", "--output", "fresh.npy"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let matrices = try ["cold", "warm", "fresh"].map { try NPYFile(contentsOf: cli.path("\($0).npy")) }
        #expect(matrices[0].shape == [6, 16])
        #expect(matrices[0].values == matrices[1].values)
        #expect(matrices[0].values == matrices[2].values)
        #expect(Set((0..<6).map { matrices[0].row($0) }).count == 6)
    }

    @Test func aMissOrAlwaysStartWorkerStartsARememberedWorker() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", lines)
        let arguments = ["embed", "--lines", "in.txt", "--encoder", Workers.numpy("--dim 16"), "--json"]
        #expect(try cli.run(arguments).json()["workers_started"] as? Int == 1)
        let forced = try cli.run(arguments + ["--always-start-worker"]).json()
        #expect(forced["workers_started"] as? Int == 1)
        #expect(forced["hits"] as? Int == 6)
        try cli.writeLines("in.txt", lines + ["eta"])
        let miss = try cli.run(arguments + ["--output", "miss.npy"])
        #expect(miss.status == 0, "\(miss.stderr)")
        #expect(try miss.json()["workers_started"] as? Int == 1)
        #expect(try miss.json()["misses"] as? Int == 1)
        let fresh = try cli.run(arguments + ["--no-cache", "--output", "fresh.npy"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let matrices = try ["miss", "fresh"].map { try NPYFile(contentsOf: cli.path("\($0).npy")) }
        #expect(matrices[0].values == matrices[1].values)
    }

    @Test func severalWorkersGiveTheSameRecordsAsOne() throws {
        let cli = try CLIProcess()
        let many = (0..<40).map { "input " + String(repeating: "x", count: $0) }
        try cli.writeLines("in.txt", many)
        let base = ["embed", "--lines", "in.txt", "--encoder", Workers.numpy("--dim 16 --batch-size 3"), "--json"]
        let parallel = try cli.run(base + ["--workers", "3", "--output", "three.npy"])
        #expect(parallel.status == 0, "\(parallel.stderr)")
        #expect(try parallel.json()["encoded"] as? Int == many.count)
        let single = try cli.run(base + ["--no-cache", "--output", "one.npy"])
        #expect(single.status == 0, "\(single.stderr)")
        let matrices = try ["three", "one"].map { try NPYFile(contentsOf: cli.path("\($0).npy")) }
        #expect(matrices[0].shape == [many.count, 16])
        #expect(matrices[0].values == matrices[1].values)
    }

    @Test func aDifferentModelIsANewNamespace() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", lines)
        _ = try cli.run(["embed", "--lines", "in.txt", "--encoder", Workers.numpy("--dim 16")])
        let other = try cli.run([
            "embed", "--lines", "in.txt", "--encoder", Workers.numpy("--dim 16 --seed 1"), "--json",
        ])
        #expect(try other.json()["misses"] as? Int == 6, "\(other.stderr)")
    }

    /// Runs six lines in batches of two with one marked line (the third), then checks that exactly
    /// the marked batch failed, naming the worker, and that the other two batches were stored.
    private func expectMarkedBatchFails(flags: String, reason: String, extra: [String] = []) throws {
        let cli = try CLIProcess()
        var marked = lines
        marked[2] = "MARK private-content"
        try cli.writeLines("in.txt", marked)
        let start = ContinuousClock.now
        let result = try cli.run(
            [
                "embed", "--lines", "in.txt", "--batch-size", "2", "--json", "--encoder",
                Workers.numpy("--dim 16 " + flags),
            ]
                + extra
        )
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(result.status == 3, "\(result.stderr)")
        let report = try result.json()
        #expect(report["failed"] as? Int == 2)
        #expect(report["misses"] as? Int == 4)
        let failures = try #require(report["failures"] as? [[String: String]])
        #expect(failures.map { $0["path"] } == ["line 3", "line 4"])
        for failure in failures {
            #expect(failure["reason"]?.contains(reason) == true, "\(failure)")
            #expect(failure["reason"]?.contains("numpy_worker.py") == true, "\(failure)")
            #expect(failure["reason"]?.contains("private-content") == false, "an error must not quote input content")
        }
        #expect(try cli.storedEntries() == 4)
        let retry = try cli.run(["embed", "--lines", "in.txt", "--json", "--encoder", Workers.numpy("--dim 16")])
        let retryReport = try retry.json()
        #expect(retryReport["hits"] as? Int == 4)
        #expect(retryReport["misses"] as? Int == 2)
    }

    @Test func aWorkerCrashingMidBatchFailsThatBatchAndIsRestarted() throws {
        try expectMarkedBatchFails(flags: "--crash-on MARK", reason: "exited with status 3")
    }

    @Test func aHangingWorkerIsKilledAfterTheTimeoutAndRestarted() throws {
        try expectMarkedBatchFails(
            flags: "--hang-on MARK",
            reason: "did not answer within 5.0 seconds",
            extra: ["--worker-timeout", "5"]
        )
    }

    @Test func aWrongShapeRefusesTheWholeBatch() throws {
        try expectMarkedBatchFails(flags: "--wrong-shape-on MARK", reason: "shape [17], expected [16]")
    }

    @Test func aPerItemErrorFailsThatInputOnly() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", ["good", "BAD input", "fine"])
        let result = try cli.run(["embed", "--lines", "in.txt", "--json", "--encoder", Workers.numpy("--error-on BAD")])
        #expect(result.status == 3, "\(result.stderr)")
        let report = try result.json()
        #expect(report["failed"] as? Int == 1)
        let failures = try #require(report["failures"] as? [[String: String]])
        #expect(failures.first?["path"] == "line 2")
        #expect(failures.first?["reason"]?.contains("refused as asked") == true)
        #expect(try cli.storedEntries() == 2)
    }

    @Test func failFastStopsAtTheFirstFailedBatch() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", ["BAD"] + lines)
        let result = try cli.run([
            "embed", "--lines", "in.txt", "--batch-size", "2", "--fail-fast", "--output", "out.npy",
            "--encoder", Workers.numpy("--error-on BAD"),
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("--fail-fast"))
        #expect(result.stderr.contains("line 1"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("out.npy")))
        #expect(try cli.storedEntries() == 1)
    }

    @Test(arguments: [("--garbage", "answered garbage during its handshake")])
    func aBadHandshakeFailsTheRunClearly(flags: String, mentioning text: String) throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", lines)
        let result = try cli.run([
            "embed", "--lines", "in.txt", "--worker-timeout", "5", "--encoder", Workers.numpy(flags),
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains(text), "\(result.stderr)")
        #expect(result.stderr.contains("numpy_worker.py"), "\(result.stderr)")
    }

    @Test func aWorkerThatCannotStartFailsTheRun() throws {
        let cli = try CLIProcess()
        try cli.writeLines("in.txt", lines)
        let missing = try cli.run(["embed", "--lines", "in.txt", "--encoder", "process:no-such-worker-program"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no-such-worker-program"))
        let exiting = try cli.run(["embed", "--lines", "in.txt", "--encoder", "process:python3 -c 'exit(4)'"])
        #expect(exiting.status == 1)
        #expect(exiting.stderr.contains("exited with status 4"), "\(exiting.stderr)")
    }
}
