internal import EmbeddingCache
import Foundation
public import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One kill -9 trial against the `embcache` binary: a run embedding files into a fresh cache is
/// killed at a seeded random moment, then the cache must open, hold no half-written record, and
/// serve exactly what a run without the cache computes.
///
/// The encoder costs nothing, so a run's time goes to reading, hashing, sealing and writing; a
/// random moment therefore lands in puts, commits and side-file writes. Records of
/// `dimension` floats above the store's side-file threshold (1 MiB, 262 144 floats) live in side
/// files.
///
/// ```swift
/// let outcome = try KillTrial(binary: url, files: 300, dimension: 384, seed: 7).run()
/// #expect(outcome.opened && outcome.wrongVectors == 0 && outcome.corrupt == 0)
/// ```
public struct KillTrial: Sendable {
    /// What a trial found.
    public struct Outcome: Sendable, Hashable {
        /// How long after its start the run was killed, in milliseconds.
        public var killedAfterMilliseconds: Int
        /// Whether the run was still going when it was killed (otherwise it had finished).
        public var killedMidRun: Bool
        /// Whether the interrupted cache opened and served the rerun (exit 0).
        public var opened: Bool
        /// Records the interrupted run had stored and the rerun found.
        public var recordsKept: Int
        /// Records that failed their checksum in the rerun.
        public var corrupt: Int
        /// Rows the rerun served that differ from a run without the cache.
        public var wrongVectors: Int
    }

    /// The `embcache` executable.
    public var binary: URL
    /// How many distinct input files.
    public var files: Int
    /// Floats per record.
    public var dimension: Int
    /// The seed of the kill moment.
    public var seed: UInt64
    /// The latest kill moment; the moment is uniform between zero and this.
    public var window: Duration = .milliseconds(1500)

    /// Describes a trial.
    ///
    /// - Parameters:
    ///   - binary: The `embcache` executable.
    ///   - files: How many distinct input files.
    ///   - dimension: Floats per record.
    ///   - seed: The seed of the kill moment.
    public init(binary: URL, files: Int, dimension: Int, seed: UInt64) {
        self.binary = binary
        self.files = files
        self.dimension = dimension
        self.seed = seed
    }

    /// The seeded kill moment in milliseconds: SplitMix64 of the seed, uniform in the window.
    public var killMilliseconds: Int {
        var generator = SplitMix64(seed: seed)
        return Int(generator.next() % UInt64(max(1, window / .milliseconds(1))))
    }

    /// How long this trial's run takes when nothing kills it, start-up included: a ``window`` of
    /// this length puts nearly every kill in the middle of a run, whatever the machine's speed.
    ///
    /// - Returns: The run's wall time in milliseconds, at least 1.
    /// - Throws: When a file cannot be written or the process cannot be started.
    public func uninterruptedMilliseconds() throws -> Int {
        let scratch = try ScratchDirectory(prefix: "embcache-kill")
        let embed = try embedArguments(in: scratch)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try run(embed, in: scratch)
        return max(1, Int((clock.now - start) / .milliseconds(1)))
    }

    /// Runs the trial in a scratch folder of its own, removed afterwards.
    ///
    /// - Returns: What the trial found.
    /// - Throws: When a file cannot be written or a process cannot be started.
    public func run() throws -> Outcome {
        let scratch = try ScratchDirectory(prefix: "embcache-kill")
        let embed = try embedArguments(in: scratch)
        let victim = try start(embed, in: scratch, stdout: FileHandle.nullDevice)
        let wait = killMilliseconds
        usleep(useconds_t(wait * 1000))
        let killedMidRun = victim.isRunning
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()

        let fresh = try run(embed + ["--no-cache", "--output", scratch.path + "/fresh.npy"], in: scratch)
        let rerun = try run(embed + ["--json", "--output", scratch.path + "/rerun.npy"], in: scratch)
        let report = (try? JSONSerialization.jsonObject(with: rerun.stdout)) as? [String: Any] ?? [:]
        let wrong =
            fresh.status == 0 && rerun.status == 0
            ? try Self.differingRows(scratch.path + "/fresh.npy", scratch.path + "/rerun.npy", rows: files)
            : files
        return Outcome(
            killedAfterMilliseconds: wait,
            killedMidRun: killedMidRun,
            opened: rerun.status == 0,
            recordsKept: report["hits"] as? Int ?? 0,
            corrupt: report["corrupt"] as? Int ?? 0,
            wrongVectors: wrong
        )
    }

    /// Writes the trial's input files into `scratch` and returns the `embed` arguments over them.
    private func embedArguments(in scratch: ScratchDirectory) throws -> [String] {
        let inputs = scratch.url.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for index in 0..<files {
            try Data("kill trial \(seed) file \(index)".utf8)
                .write(to: inputs.appendingPathComponent(String(format: "%05d.bin", index)))
        }
        return ["embed", inputs.path, "--encoder", "builtin:bytes?dim=\(dimension)", "--batch-size", "4"]
    }

    /// How many of the last `rows` equal-sized rows differ between two `.npy` files of one shape.
    static func differingRows(_ first: String, _ second: String, rows: Int) throws -> Int {
        let (a, b) = (
            try Data(contentsOf: URL(fileURLWithPath: first)), try Data(contentsOf: URL(fileURLWithPath: second))
        )
        let start = Self.headerLength(a)
        guard a.count == b.count, rows > 0, start == Self.headerLength(b), (a.count - start) % rows == 0 else {
            return rows
        }
        let rowBytes = (a.count - start) / rows
        return (0..<rows).filter { row in
            let range = (start + row * rowBytes)..<(start + (row + 1) * rowBytes)
            return a[range] != b[range]
        }.count
    }

    /// The byte length of an `.npy` v1 header: 10 bytes of preamble plus its little-endian u16 length.
    private static func headerLength(_ data: Data) -> Int {
        guard data.count >= 10 else { return data.count }
        return 10 + Int(data[data.startIndex + 8]) + Int(data[data.startIndex + 9]) << 8
    }

    private func start(_ arguments: [String], in scratch: ScratchDirectory, stdout: FileHandle) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["EMBCACHE_DIR"] = scratch.path + "/cache"
        environment["EMBCACHE_STORE"] = nil
        process.environment = environment
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `embcache arguments…` to the end; its stdout goes through a file, read afterwards.
    private func run(_ arguments: [String], in scratch: ScratchDirectory) throws -> (status: Int32, stdout: Data) {
        let path = scratch.path + "/stdout-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let process = try start(arguments, in: scratch, stdout: handle)
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
