import Foundation

/// `embcache export` of 1 000 cached samples to one safetensors file each, in GB/s of tensor bytes
/// written (page cache), against a plain write of the same bytes as the same number of files.
///
/// The target is about the page cache, so the dataset and the exports live in `/dev/shm` (tmpfs)
/// when it exists: on a disk, writeback throttling of the plain write (down to 0.06 GB/s in one
/// run here) would make the comparison meaningless.
struct ExportBenchmark {
    /// The `embcache` binary measured.
    let embcache: String

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let memory = URL(fileURLWithPath: "/dev/shm/embcache-bench-export-\(UUID())")
        let folder =
            FileManager.default.fileExists(atPath: "/dev/shm")
            ? memory : context.scratch.appendingPathComponent("export")
        defer { try? FileManager.default.removeItem(at: memory) }
        let dataset = try TrainingDataset(
            in: folder,
            count: 1000,
            fileSize: 1000,
            vaeDim: 16384,
            textDim: 8192,
            embcache: embcache
        )
        _ = try dataset.precompute()
        var rates = [Double]()
        var bytes = 0
        for attempt in 0..<5 {
            let out = dataset.folder.appendingPathComponent("out-\(attempt)").path
            let report = try dataset.run([
                "export", "--manifest", dataset.manifest, "--plan", dataset.plan, "--out", out, "--on-miss", "error",
            ])
            guard let written = report["tensor_bytes"] as? Int, let seconds = report["seconds"] as? Double else {
                throw BenchmarkFailure("the export report has no tensor_bytes")
            }
            bytes = written
            rates.append(Double(written) / seconds / 1e9)
            try FileManager.default.removeItem(atPath: out)
        }
        let perFile = Data(count: bytes / 1000)
        let plain = dataset.folder.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        let writes = try await Timing.seconds(repeats: 5) {
            for index in 0..<1000 { try perFile.write(to: plain.appendingPathComponent("\(index).bin")) }
        }
        let rate = Timing.percentile(rates, 0.5)
        let plainRate = Double(bytes) / Timing.percentile(writes, 0.5) / 1e9
        table.add(
            "export, 1 000 samples × 4 fields (\(bytes / 1000 / 1024) KB each), one file per sample",
            embcache: "\(Timing.format(rate)) GB/s of tensor bytes",
            baseline: "plain write of the same bytes in 1 000 files: \(Timing.format(plainRate)) GB/s",
            ratio: "\(Timing.format(rate / plainRate))× the plain write",
            target: "≥ 1 GB/s"
        )
    }
}
