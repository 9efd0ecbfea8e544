import EmbeddingCache
import EmbeddingCacheEncoders
import Foundation

/// The worker protocol's cost: a cold get-or-compute of 1 KB inputs in batches of 64 through the
/// numpy reference worker in `--noop` mode (zeros of 384 floats, no model), bypassing the cache so
/// only the protocol is measured, against the same no-op encoder called in-process. Then what
/// several copies of a worker buy: the numpy worker embedding 256 KB inputs with two copies
/// (`--workers 2`) against one, in the same run.
struct WorkerBenchmark {
    let workers: String

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let buffers = Inputs.buffers(count: 64 * 320, size: 1024, seed: 3)
        let inputs = buffers.enumerated().map { EmbeddingInput.bytes($1, label: "input-\($0)") }
        let worker = try await ProcessEncoder.start(
            command: "\(context.python.interpreter) '\(workers)/numpy_worker.py' --noop --dim 384 --batch-size 64"
        )
        let viaWorker = try await inputsPerSecond(inputs, encoder: worker)
        await worker.stop()
        let inProcess = try await inputsPerSecond(inputs, encoder: NoopEncoder())
        table.add(
            "worker protocol, cold, \(inputs.count) × 1 KB inputs, batches of 64, 384 × f32 no-op",
            embcache: "\(Int(viaWorker)) inputs/s",
            baseline: "in-process no-op encoder: \(Int(inProcess)) inputs/s",
            ratio: "\(Timing.format(viaWorker / inProcess, 3))× the in-process rate",
            target: "≥ 20000 inputs/s"
        )
        try await compareWorkerCopies(context, into: &table)
    }

    /// Two copies of a compute-bound worker against one, on the same inputs, bypassing the cache.
    private func compareWorkerCopies(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let buffers = Inputs.buffers(count: 16 * 40, size: 256 << 10, seed: 4)
        let inputs = buffers.enumerated().map { EmbeddingInput.bytes($1, label: "input-\($0)") }
        var rates = [Int: Double]()
        for copies in [1, 2] {
            var configuration = ProcessEncoder.Configuration()
            configuration.workers = copies
            let worker = try await ProcessEncoder.start(
                command: "\(context.python.interpreter) '\(workers)/numpy_worker.py' --dim 384 --batch-size 16",
                configuration: configuration
            )
            rates[copies] = try await inputsPerSecond(inputs, encoder: worker)
            await worker.stop()
        }
        let (one, two) = (rates[1] ?? 0, rates[2] ?? 0)
        table.add(
            "worker copies, cold, \(inputs.count) × 256 KB inputs, batches of 16, numpy worker embedding",
            embcache: "--workers 2: \(Int(two)) inputs/s",
            baseline: "--workers 1: \(Int(one)) inputs/s",
            ratio: "\(Timing.format(two / one, 3))×",
            target: "> 1× (one batch per worker, so a second copy adds throughput)"
        )
    }

    /// The median rate of three cold passes that bypass the cache.
    private func inputsPerSecond(_ inputs: [EmbeddingInput], encoder: any EmbeddingEncoder) async throws -> Double {
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder)
        let seconds = try await Timing.seconds(repeats: 3) {
            let result = try await cache.results(for: inputs, bypassingCache: true)
            guard result.counters.failed == 0 else { throw BenchmarkFailure("\(result.counters.failed) inputs failed") }
        }
        return Double(inputs.count) / Timing.percentile(seconds, 0.5)
    }
}

/// The in-process twin of `numpy_worker.py --noop`: zeros of 384 float32 values per input.
struct NoopEncoder: EmbeddingEncoder {
    let namespace = Namespace(model: "noop", preprocessing: "none")
    let preferredBatchSize = 64
    let schema = RecordSchema.embedding(dimension: 384)
    private let zeros = TensorRecord(single: Tensor(float32: [Float](repeating: 0, count: 384)))

    func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        Array(repeating: .success(zeros), count: batch.count)
    }
}
