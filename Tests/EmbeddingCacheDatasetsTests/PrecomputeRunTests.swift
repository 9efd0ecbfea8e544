import EmbeddingCache
import EmbeddingCacheDatasets
import EmbeddingCacheEncoders
import EmbeddingCacheTesting
import Foundation
import Synchronization
import Testing

/// The library's precompute run, called directly (the CLI's tests cover it through the binary).
struct PrecomputeRunTests {
    /// A manifest of `count` text samples and a one-field plan over the built-in byte encoder.
    static func dataset(_ scratch: ScratchDirectory, count: Int) throws -> (Manifest, PrecomputePlan) {
        let manifest = scratch.url.appendingPathComponent("train.jsonl")
        try (0..<count).map { #"{"id": "s\#($0)", "prompt": "text \#($0)"}"# }.joined(separator: "\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let plan = scratch.url.appendingPathComponent("plan.json")
        try
            #"{"encoders": {"text": "builtin:bytes?dim=8"}, "fields": [{"name": "emb", "encoder": "text", "inputs": {"text": "prompt"}}]}"#
            .write(to: plan, atomically: true, encoding: .utf8)
        return (try Manifest(path: manifest.path), try PrecomputePlan(path: plan.path))
    }

    @Test func aRunCachesEveryFieldReportsProgressToTheTotalAndACheckThenFindsEverySampleComplete() async throws {
        let scratch = try ScratchDirectory(prefix: "embcache-datasets")
        let (manifest, plan) = try Self.dataset(scratch, count: 5)
        let store = InMemoryEmbeddingStore()
        let last = Mutex(0)
        let report = try await PlanCaches.with(plan, store: store, worker: .init()) { caches in
            let run = PrecomputeRun(plan: plan, manifest: manifest, caches: caches)
            #expect(run.totalSteps == 5)
            return try await run.run(store: "memory") { done in last.withLock { $0 = max($0, done) } }
        }
        #expect(report.misses == 5 && report.hits == 0 && report.failed == 0)
        #expect(report.completeSamples == 5 && report.store == "memory")
        #expect(last.withLock { $0 } == 5)
        let check = try await PlanCaches.with(plan, store: store, worker: .init()) { caches in
            try await PrecomputeRun(plan: plan, manifest: manifest, caches: caches, check: true).run(store: "memory")
        }
        #expect(check.hits == 5 && check.misses == 0 && check.completeSamples == 5)
    }

    @Test func aSampleMissingItsKeyIsAFailureNamingSampleAndField() async throws {
        let scratch = try ScratchDirectory(prefix: "embcache-datasets")
        let (_, plan) = try Self.dataset(scratch, count: 1)
        let manifest = scratch.url.appendingPathComponent("train.jsonl")
        try #"{"id": "a", "prompt": "x"}\#n{"id": "b"}"#.write(to: manifest, atomically: true, encoding: .utf8)
        let samples = try Manifest(path: manifest.path)
        let report = try await PlanCaches.with(plan, store: InMemoryEmbeddingStore(), worker: .init()) { caches in
            try await PrecomputeRun(plan: plan, manifest: samples, caches: caches).run(store: "memory")
        }
        #expect(report.failed == 1 && report.completeSamples == 1)
        #expect(report.failures.map(\.sample) == ["b"] && report.failures.map(\.field) == ["emb"])
        #expect(report.failures.first?.reason.contains("key 'prompt' is missing") == true)
    }
}

/// The namespace each encoder resolved to, recorded by a run for readers that do not start it.
struct EncoderNamespaceRecordTests {
    @Test func aRunRecordsEachEncodersNamespaceAndACheckRecordsNothing() async throws {
        let scratch = try ScratchDirectory(prefix: "embcache-datasets")
        let (manifest, plan) = try PrecomputeRunTests.dataset(scratch, count: 2)
        let checked = InMemoryEmbeddingStore()
        let store = InMemoryEmbeddingStore()
        let resolved = try await PlanCaches.with(plan, store: store, worker: .init()) { caches in
            _ = try await PrecomputeRun(plan: plan, manifest: manifest, caches: caches).run(store: "memory")
            return try #require(caches["text"]).namespace
        }
        _ = try await PlanCaches.with(plan, store: checked, worker: .init()) { caches in
            try await PrecomputeRun(plan: plan, manifest: manifest, caches: caches, check: true).run(store: "memory")
        }
        let specification = "builtin:bytes?dim=8"
        #expect(try await EncoderNamespaceRecord.lookUp(specification, storage: .lossless, in: store) == resolved)
        #expect(try await EncoderNamespaceRecord.lookUp(specification, storage: .float16, in: store) == nil)
        #expect(try await EncoderNamespaceRecord.lookUp(specification, storage: .lossless, in: checked) == nil)
    }

    /// The key, against `hashlib` over the framing of docs/digests.md.
    @Test func theKeyIsTheCompositeOfTagSpecificationAndStorage() {
        // python3 -c 'import hashlib,struct; p=[b"embcache/encoder-namespace/v1",b"builtin:bytes",b"lossless"];
        //   print(hashlib.sha256(b"embcache/composite/v1\0\0\0"+struct.pack("<Q",3)
        //   +b"".join(struct.pack("<Q",len(x))+x for x in p)).hexdigest())'
        #expect(
            EncoderNamespaceRecord.key(specification: "builtin:bytes", storage: .lossless).hex
                == "db831305039e3e4069b5394df063cad36c5d7f40e242547e2115909dfd91c917"
        )
    }
}
