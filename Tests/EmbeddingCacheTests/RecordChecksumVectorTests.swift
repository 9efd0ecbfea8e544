import EmbeddingCache
import Foundation
import Testing

/// The record checksum against an independent implementation: `Benchmarks/python/record_checksum.py`
/// (numpy and the `crc32c` package) prints the checksum of the same test vector.
struct RecordChecksumVectorTests {
    @Test func matchesThePythonImplementation() {
        var payload = Data()
        for _ in 0..<(3 * 4096) { payload.append(contentsOf: (0...255) as ClosedRange<UInt8>) }
        payload.append(contentsOf: (0..<29) as Range<UInt8>)
        let namespace = Namespace(model: "test/model@1", preprocessing: "identity")
        #expect(namespace.storage.description == "lossless")
        let checksum = RecordChecksum(namespace: namespace)
        #expect(checksum.checksum(of: payload, digest: ContentDigest(of: Data("vector".utf8))) == 419_350_711)
    }
}
