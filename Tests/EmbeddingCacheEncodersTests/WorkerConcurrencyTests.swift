import EmbeddingCache
import Foundation
import Testing

@testable import EmbeddingCacheEncoders

/// Many callers on one ``ProcessEncoder`` at once: each gets the records of its own inputs.
///
/// The reference numpy worker's vector is a function of its input's bytes, so a record that went to
/// the wrong caller differs from the one the same input gets when it is encoded alone.
struct WorkerConcurrencyTests {
    /// `python3 …/Examples/workers/numpy_worker.py FLAGS`.
    static func numpyWorker(_ flags: String) -> String {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/workers")
        return "python3 '\(folder.appendingPathComponent("numpy_worker.py").path)' \(flags)"
    }

    /// Distinct inputs whose byte histograms differ (the worker embeds histograms), so their vectors do.
    static func inputs(_ count: Int, tag: String) -> [EncoderInput] {
        (0..<count).map { index in
            EncoderInput(parts: [Data((tag + String(repeating: "y", count: index + 1)).utf8)], label: "\(tag)\(index)")
        }
    }

    /// Each input encoded alone, one call at a time.
    static func alone(_ inputs: [EncoderInput], _ encoder: ProcessEncoder) async throws -> [TensorRecord] {
        var records = [TensorRecord]()
        for input in inputs { records.append(try await encoder.encode([input])[0].get()) }
        return records
    }

    @Test(arguments: [1, 3])
    func concurrentCallersGetTheirOwnRecords(workers: Int) async throws {
        var configuration = ProcessEncoder.Configuration()
        configuration.workers = workers
        let encoder = try await ProcessEncoder.start(
            command: Self.numpyWorker("--dim 16 --batch-size 4"),
            configuration: configuration
        )
        let callers = 12
        let perCaller = 16
        let inputs = Self.inputs(callers * perCaller, tag: "x")
        let expected = try await Self.alone(inputs, encoder)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var wrong = 0
                    let mine = caller * perCaller..<(caller + 1) * perCaller
                    for start in stride(from: mine.lowerBound, to: mine.upperBound, by: 4) {
                        let results = try await encoder.encode(Array(inputs[start..<start + 4]))
                        for (offset, result) in results.enumerated() where try result.get() != expected[start + offset]
                        {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        await encoder.stop()
        #expect(mismatches == 0)
    }

    @Test func concurrentCacheCallersStoreEveryRecordUnderItsOwnKey() async throws {
        var configuration = ProcessEncoder.Configuration()
        configuration.workers = 2
        let encoder = try await ProcessEncoder.start(
            command: Self.numpyWorker("--dim 16 --batch-size 4"),
            configuration: configuration
        )
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: store, encoder: encoder)
        let callers = 12
        let perCaller = 12
        let inputs = Self.inputs(callers * perCaller, tag: "z")
        let expected = try await Self.alone(inputs, encoder)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    let mine = inputs[caller * perCaller..<(caller + 1) * perCaller]
                    _ = try await cache.records(for: mine.map { .bytes($0.bytes, label: $0.label) })
                }
            }
            try await group.waitForAll()
        }
        await encoder.stop()
        let checksum = RecordChecksum(namespace: cache.namespace)
        var wrong = 0
        for (input, record) in zip(inputs, expected) {
            let digest = ContentDigest(of: input.bytes)
            let stored = try #require(await store.records(for: [digest], in: cache.namespace)[0])
            if checksum.open(stored, digest: digest) != record { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(cache.counters.encoded == inputs.count)
    }

    @Test func extraWorkersStartOnlyWhenBatchesOverlap() async throws {
        var configuration = ProcessEncoder.Configuration()
        configuration.workers = 4
        let encoder = try await ProcessEncoder.start(
            command: Self.numpyWorker("--dim 8 --batch-size 2"),
            configuration: configuration
        )
        _ = try await Self.alone(Self.inputs(6, tag: "w"), encoder)
        #expect(await encoder.runningWorkers == 1)
        #expect(encoder.concurrentBatches == 4)
        await encoder.stop()
        #expect(await encoder.runningWorkers == 0)
    }
}
