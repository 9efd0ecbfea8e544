import EmbeddingCache
import EmbeddingCacheSQLite
import Foundation

/// A warm read of one 8.3 MB float16 record of shape [1165, 3584], checksum verified, against
/// safetensors reading the same tensor from a file in the same run: through `safe_open` (its
/// memory-mapped reader, like for like) and through `load_file`.
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
            let safe_open_seconds: Double
            let load_file_seconds: Double
            let bytes: Int
        }
        let python = try context.python.run("safetensors_load.py", [file, "40"], as: LoadResult.self)
        let mapped = Double(python.bytes) / python.safe_open_seconds / 1e9
        let loaded = Double(python.bytes) / python.load_file_seconds / 1e9
        table.add(
            "warm read, one 8.3 MB float16 record, checksum verified",
            embcache: "\(Timing.format(ours)) GB/s",
            baseline: "safetensors safe_open + get_tensor: \(Timing.format(mapped)) GB/s",
            ratio: "\(Timing.format(ours / mapped))×",
            target: "≥ 1×"
        )
        table.add(
            "same read, against the whole-file loader",
            embcache: "\(Timing.format(ours)) GB/s",
            baseline: "safetensors.numpy.load_file: \(Timing.format(loaded)) GB/s",
            ratio: "\(Timing.format(ours / loaded))×",
            target: "reported"
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
