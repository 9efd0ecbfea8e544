import EmbeddingCache
import EmbeddingCacheDatasets
import EmbeddingCacheTesting
import Foundation
import Testing

/// A plan names its storage policy as `storage`, the name `--storage` and every namespace use;
/// `store_dtype`, the older spelling, still works, and the two may not disagree.
struct PlanStorageTests {
    private func plan(_ extra: String) throws -> (ScratchDirectory, String) {
        let scratch = try ScratchDirectory(prefix: "embcache-plan-storage")
        let path = scratch.url.appendingPathComponent("plan.json").path
        let text = """
            {"encoders": {"e": "builtin:bytes?dim=4"}, "fields": [{"name": "x", "encoder": "e", "inputs": "file"}]\(extra)}
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (scratch, path)
    }

    @Test(arguments: [
        (#", "storage": "float16-saturating""#, StoragePolicy.float16Saturating),
        (#", "store_dtype": "bfloat16""#, .bfloat16),
        (#", "storage": "bfloat16", "store_dtype": "bfloat16""#, .bfloat16),
        ("", .lossless),
    ])
    func storageSpellings(extra: String, policy: StoragePolicy) throws {
        let (scratch, path) = try plan(extra)
        #expect(try PrecomputePlan(path: path).configuration.storagePolicy == policy)
        _ = scratch
    }

    @Test func disagreeingSpellingsAreRefusedByName() throws {
        let (scratch, path) = try plan(#", "storage": "float16", "store_dtype": "bfloat16""#)
        let error = #expect(throws: EmbeddingCacheError.self) { try PrecomputePlan(path: path) }
        #expect(error?.message.contains(#""storage" float16 contradicts "store_dtype" bfloat16"#) == true)
        _ = scratch
    }
}
