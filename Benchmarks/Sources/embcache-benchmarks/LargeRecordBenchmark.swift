import EmbeddingCache
import EmbeddingCacheSQLite
import Foundation

/// A warm read of one 8.3 MB float16 record of shape [1165, 3584], checksum verified, against
/// safetensors' numpy loader reading the same tensor in the same run.
struct LargeRecordBenchmark {
    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let shape = [1165, 3584]
        let byteCount = shape.reduce(1, *) * 2
        let bytes = Inputs.buffers(count: 1, size: byteCount, seed: 3)[0]
        let tensor = try Tensor(dtype: .float16, shape: shape, data: bytes)
        let record = try TensorRecord([("prompt_embeds", tensor)])

        let store = try SQLiteEmbeddingStore(path: context.path("large.sqlite"))
        let namespace = Namespace(model: "bench", preprocessing: "raw")
        let checksum = RecordChecksum(namespace: namespace)
        let digest = ContentDigest(ofText: "large record")
        try await store.put([StoreEntry(digest: digest, record: checksum.seal(record, digest: digest))], in: namespace)
        var reads = try await Timing.seconds(repeats: 3) { _ = try await Self.read(store, checksum, digest, namespace) }
        reads = try await Timing.seconds(repeats: 40) {
            let read = try await Self.read(store, checksum, digest, namespace)
            guard read["prompt_embeds"]?.data.count == byteCount else { throw BenchmarkFailure("short read") }
        }
        let ours = Double(byteCount) / Timing.percentile(reads, 0.5) / 1e9

        let file = context.path("large.safetensors")
        var layout = SafetensorsWriter()
        try layout.declare("prompt_embeds", dtype: .float16, shape: shape)
        try (layout.header() + bytes).write(to: URL(fileURLWithPath: file))
        struct LoadResult: Decodable {
            let median_seconds: Double
            let bytes: Int
        }
        let python = try context.python.run("safetensors_load.py", [file, "40"], as: LoadResult.self)
        let theirs = Double(python.bytes) / python.median_seconds / 1e9
        table.add(
            "warm read, one 8.3 MB float16 record, checksum verified",
            embcache: "\(Timing.format(ours)) GB/s",
            baseline: "safetensors.numpy.load_file: \(Timing.format(theirs)) GB/s",
            ratio: "\(Timing.format(ours / theirs))×",
            target: "≥ 1×"
        )
    }

    static func read(
        _ store: SQLiteEmbeddingStore,
        _ checksum: RecordChecksum,
        _ digest: ContentDigest,
        _ namespace: Namespace
    ) async throws -> TensorRecord {
        guard let stored = try await store.records(for: [digest], in: namespace)[0],
            let record = checksum.open(stored, digest: digest)
        else { throw BenchmarkFailure("the large record did not verify") }
        return record
    }
}
