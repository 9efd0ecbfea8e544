import ArgumentParser
import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

@testable import embcache

/// `verify --repair` reads a page of records, finds the corrupt ones, then deletes them: a record
/// that another process stored again in between must survive.
struct VerifyRepairRaceTests {
    /// A store that, when a scan returns the corrupt record, stores the good record under its key
    /// before handing the page back, as another process re-encoding it at that moment would.
    private struct StoresAgainWhileScanning: ForwardingStore {
        let base: any EmbeddingStore
        let good: StoreEntry

        func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) async throws -> [StoreEntry] {
            let page = try await base.entries(in: namespace, after: after, limit: limit)
            if page.contains(where: { $0.digest == good.digest }) { try await base.put([good], in: namespace) }
            return page
        }
    }

    @Test func aRecordStoredAgainDuringTheScanIsNotDeleted() async throws {
        let namespace = Fixtures.namespace
        let good = Fixtures.entry(seed: 7, dimension: 64)
        var payload = good.record.payload
        payload[payload.startIndex + 40] ^= 0x01
        let corrupt = StoreEntry(
            digest: good.digest,
            record: StoredRecord(payload: payload, checksum: good.record.checksum)
        )
        let others = (100..<110).map { Fixtures.entry(seed: $0, dimension: 64) }
        let base = InMemoryEmbeddingStore()
        await base.put(others + [corrupt], in: namespace)

        let command = try VerifyCommand.parse(["--repair"])
        let report = try await command.verify(StoresAgainWhileScanning(base: base, good: good))

        #expect(report.corrupt == 1)
        #expect(await base.records(for: [good.digest], in: namespace) == [good.record])
        #expect(report.repaired == 0 && report.replaced == 1 && !report.corruptRemain)
        #expect(await base.records(for: others.map(\.digest), in: namespace) == others.map(\.record))
    }
}
