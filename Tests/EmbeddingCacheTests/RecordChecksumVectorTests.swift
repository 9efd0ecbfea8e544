import EmbeddingCache
import Foundation
import Testing

/// The record checksum against an independent implementation: `Benchmarks/python/record_checksum.py`
/// (the `crc32c` package) prints the format-3 checksum of the same test vector.
struct RecordChecksumVectorTests {
    @Test func matchesThePythonImplementation() {
        var payload = Data("ECR3".utf8)
        payload.append(contentsOf: (4...255) as ClosedRange<UInt8>)
        for _ in 1..<(3 * 4096) { payload.append(contentsOf: (0...255) as ClosedRange<UInt8>) }
        payload.append(contentsOf: (0..<29) as Range<UInt8>)
        let namespace = Namespace(model: "test/model@1", preprocessing: "identity")
        #expect(namespace.storage.description == "lossless")
        let checksum = RecordChecksum(namespace: namespace)
        #expect(checksum.checksum(of: payload, digest: ContentDigest(of: Data("vector".utf8))) == 961_546_554)
    }
}
