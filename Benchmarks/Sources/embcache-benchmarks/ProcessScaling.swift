import EmbeddingCache
import Foundation

/// One, two and four `embcache embed` processes, each embedding its own 2 000 files through one
/// PostgreSQL store, with an encoder costing 1 ms per item (a sleep, as a GPU leaves the CPU
/// free): combined inputs per second for each process count.
struct ProcessScaling {
    let url: String
    let embcache: String

    static let filesPerProcess = 2000

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        var rates = [(processes: Int, rate: Double)]()
        for processes in [1, 2, 4] {
            let folders = try (0..<processes).map { try writeFiles(context, "scaling-\(processes)-\($0)") }
            let store = "\(url)?schema=scaling_\(processes)_\(UInt32.random(in: 0...UInt32.max))"
            let clock = ContinuousClock()
            let start = clock.now
            let running = try folders.map { folder in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: embcache)
                process.arguments = [
                    "embed", folder, "--encoder", "builtin:bytes?dim=384&cost-ms=1", "--store", store, "--json",
                ]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            for process in running {
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw BenchmarkFailure("embcache embed failed") }
            }
            let elapsed = clock.now - start
            let seconds = elapsed.seconds
            rates.append((processes, Double(processes * Self.filesPerProcess) / seconds))
        }
        let single = rates[0].rate
        for (processes, rate) in rates {
            table.add(
                "postgres: \(processes) process\(processes == 1 ? "" : "es") embedding \(Self.filesPerProcess) files each (1 ms/item encoder)",
                embcache: "\(Int(rate)) inputs/s combined",
                baseline: "1 process \(Int(single)) inputs/s",
                ratio: "\(Timing.format(rate / single))×",
                target: "never falls as processes are added"
            )
        }
    }

    /// Writes 2 000 distinct 2 KB files into a new folder and returns its path.
    private func writeFiles(_ context: BenchmarkContext, _ name: String) throws -> String {
        let folder = context.path(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for index in 0..<Self.filesPerProcess {
            let text = String(repeating: "\(name) \(index) ", count: 2048 / (name.count + 8))
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(index).txt"))
        }
        return folder
    }
}
