import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// The first seed's invalidation audit: what must miss, what must hit.
struct InvalidationAuditTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID())")

    func writeImages(_ count: Int) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            let path = folder.appendingPathComponent("image-\(index).png").path
            try Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 * (index + 3)) }).write(
                to: URL(fileURLWithPath: path)
            )
            return path
        }
    }

    @Test func modelOrPreprocessingChangeMissesEveryInput() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = try writeImages(64).map(EmbeddingInput.file)
        let store = InMemoryEmbeddingStore()
        let base = EmbeddingCache(
            store: store,
            encoder: CountingEncoder(model: "dinov2-small", preprocessing: "resize224")
        )
        _ = try await base.records(for: inputs)
        #expect(try await base.results(for: inputs).counters.hits == 64)

        let newModel = EmbeddingCache(
            store: store,
            encoder: CountingEncoder(model: "dinov2-base", preprocessing: "resize224")
        )
        let modelRun = try await newModel.results(for: inputs)
        #expect(modelRun.counters.misses == 64 && modelRun.counters.hits == 0)

        let newPreprocessing = EmbeddingCache(
            store: store,
            encoder: CountingEncoder(model: "dinov2-small", preprocessing: "resize336")
        )
        let preprocessingRun = try await newPreprocessing.results(for: inputs)
        #expect(preprocessingRun.counters.misses == 64 && preprocessingRun.counters.hits == 0)
    }

    @Test func contentDecidesRenameHitsFlipAndEditMiss() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = try writeImages(3)
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder)
        _ = try await cache.records(for: paths.map(EmbeddingInput.file))

        // One byte flipped in a copy: a miss.
        var flipped = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        flipped[100] ^= 0x01
        let flippedPath = folder.appendingPathComponent("flipped.png").path
        try flipped.write(to: URL(fileURLWithPath: flippedPath))
        #expect(try await cache.results(for: [.file(flippedPath)]).counters.misses == 1)

        // The same bytes under a new path: a hit.
        let renamed = folder.appendingPathComponent("renamed-by-deduper.png").path
        try FileManager.default.moveItem(atPath: paths[1], toPath: renamed)
        #expect(try await cache.results(for: [.file(renamed)]).counters.hits == 1)

        // The same path with new bytes: a miss, and the fresh vector, not the stale one.
        let edited = Data("edited in place".utf8)
        try edited.write(to: URL(fileURLWithPath: paths[2]))
        let editRun = try await cache.results(for: [.file(paths[2])])
        #expect(editRun.counters.misses == 1 && editRun.counters.hits == 0)
        #expect(try editRun.results[0].get()["embedding"]?.floatValues() == encoder.expectedVector(for: edited))
    }
}
