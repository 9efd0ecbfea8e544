import EmbeddingCache
import EmbeddingCacheDatasets
import EmbeddingCacheTesting
import Foundation
import Testing

/// A stacked `.safetensors` output refuses records that are not alike, naming the field.
struct StackedSafetensorsOutputTests {
    private func output() throws -> (ScratchDirectory, StackedSafetensorsOutput) {
        let scratch = try ScratchDirectory(prefix: "embcache-stacked")
        let path = scratch.url.appendingPathComponent("o.safetensors").path
        return (scratch, try StackedSafetensorsOutput(path: path))
    }

    @Test func aRaggedFieldIsRefusedByName() throws {
        let (scratch, output) = try output()
        defer { withExtendedLifetime(scratch) {} }
        try output.append(TensorRecord(single: Tensor(float32: [1, 2, 3, 4])))
        try output.append(nil)
        #expect {
            try output.append(TensorRecord(single: Tensor(float32: [1, 2, 3])))
        } throws: { error in
            let reason = (error as? OutputError)?.reason ?? ""
            return reason.contains("field 'embedding'") && reason.contains("row 2") && reason.contains("row 0")
        }
        output.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)
    }

    @Test func recordsWithOtherFieldsAreRefused() throws {
        let (scratch, output) = try output()
        defer { withExtendedLifetime(scratch) {} }
        try output.append(TensorRecord(single: Tensor(float32: [1])))
        let other = TensorRecord(single: Tensor(float32: [1]), name: "mask")
        #expect(throws: OutputError.self) { try output.append(other) }
    }
}
