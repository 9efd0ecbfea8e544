import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Synchronization
import Testing

/// File inputs are released once digested and read again only for the misses that are encoded;
/// what is encoded must be exactly what was digested.
struct FileInputRereadTests {
    /// Writes `contents` as numbered files in a fresh folder, removed when the returned scratch
    /// directory is released.
    static func files(_ contents: [String]) throws -> (scratch: ScratchDirectory, paths: [String]) {
        let scratch = try ScratchDirectory(prefix: "embcache-reread")
        let paths = try contents.enumerated().map { index, content in
            let path = scratch.url.appendingPathComponent("\(index).txt").path
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        return (scratch, paths)
    }

    @Test func encodedMissesAreTheBytesThatWereDigested() async throws {
        let contents = ["first", "second", "third", "second"]
        let (scratch, paths) = try Self.files(contents)
        defer { withExtendedLifetime(scratch) {} }
        let encoder = CountingEncoder()
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: store, encoder: encoder)
        let cold = try await cache.results(for: paths.map(EmbeddingInput.file))
        #expect(cold.counters.encoded == 3 && cold.counters.failed == 0)
        let vectors = try cold.results.map { try $0.get()["embedding"]!.floatValues() }
        #expect(vectors == contents.map { encoder.expectedVector(for: Array($0.utf8)) })
        let digests = contents.map { ContentDigest(of: Data($0.utf8)) }
        let stored = await store.records(for: digests, in: cache.namespace)
        #expect(stored.allSatisfy { $0 != nil })
        let warm = try await cache.results(for: paths.map(EmbeddingInput.file))
        #expect(warm.counters.hits == 4 && encoder.encodedItems == 3)
    }

    @Test func aFileEditedAfterItsLookupFailsAloneAndNothingIsStoredForIt() async throws {
        let (scratch, paths) = try Self.files(["kept", "edited", "also kept"])
        defer { withExtendedLifetime(scratch) {} }
        let store = EditingStore(base: InMemoryEmbeddingStore()) {
            try! Data("edited later".utf8).write(to: URL(fileURLWithPath: paths[1]))
        }
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(store: store, encoder: encoder)
        let result = try await cache.results(for: paths.map(EmbeddingInput.file))
        #expect(result.counters.failed == 1 && result.counters.misses == 2)
        #expect(throws: EmbeddingCacheError.self) { try result.results[1].get() }
        if case .failure(let error) = result.results[1] {
            #expect(error.code == .inputUnreadable && error.input == paths[1])
            #expect(error.message.contains("changed while it was being embedded"))
        }
        let kept = try result.results[0].get()["embedding"]!.floatValues()
        #expect(kept == encoder.expectedVector(for: Array("kept".utf8)))
        let digests = ["edited", "edited later"].map { ContentDigest(of: Data($0.utf8)) }
        #expect(try await store.base.records(for: digests, in: cache.namespace) == [nil, nil])
        #expect(try await store.statistics().totalEntries == 2)
    }
}

/// A store that runs an edit once, when lookup number `atLookup` (from 1) arrives: by default the
/// moment between digesting a file and reading it again to encode it.
final class EditingStore: ForwardingStore {
    let base: any EmbeddingStore
    private let pending: Mutex<(lookupsLeft: Int, edit: (@Sendable () -> Void)?)>

    init(base: any EmbeddingStore, atLookup: Int = 1, edit: @escaping @Sendable () -> Void) {
        self.base = base
        self.pending = Mutex((atLookup, edit))
    }

    func records(for digests: [ContentDigest], in namespace: Namespace) async throws -> [StoredRecord?] {
        pending.withLock { pending in
            pending.lookupsLeft -= 1
            if pending.lookupsLeft == 0 {
                pending.edit?()
                pending.edit = nil
            }
        }
        return try await base.records(for: digests, in: namespace)
    }
}
