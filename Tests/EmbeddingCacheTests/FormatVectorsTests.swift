internal import CEmbeddingCacheChecksum
import EmbeddingCache
import Foundation
import Testing

/// Keys, the record encoding and the record checksum against `Tests/Vectors/format-vectors.json`,
/// which `Tests/Vectors/make_format_vectors.py` computes from docs/format.md alone (hashlib, a
/// bitwise CRC32C, records laid out byte by byte); the Python package's tests read the same file.
struct FormatVectorsTests {
    struct Vectors: Decodable {
        struct DigestVector: Decodable {
            let inputHex: String
            let sha256: String
        }
        struct CompositeVector: Decodable {
            let partsHex: [String]
            let digest: String
        }
        struct IdentityVector: Decodable {
            let configuration: [String: String]
            let identity: String
        }
        struct CRCVector: Decodable {
            let dataHex: String?
            let dataRamp: Int?
            let crc: UInt32
        }
        struct TensorVector: Decodable {
            let name: String
            let dtype: String
            let shape: [Int]
            let dataHex: String?
            let dataRamp: Int?
        }
        struct RecordVector: Decodable {
            let comment: String
            let namespace: [String: String]
            let digest: String
            let magic: String
            let tensors: [TensorVector]
            let payloadBytes: Int
            let payloadSha256: String
            let payloadHex: String?
            let checksum: UInt32
        }
        struct MalformedVector: Decodable {
            let comment: String
            let payloadHex: String
        }
        let digests: [DigestVector]
        let composites: [CompositeVector]
        let preprocessingIdentities: [IdentityVector]
        let crc32c: [CRCVector]
        let records: [RecordVector]
        let malformedPayloads: [MalformedVector]
    }

    /// The vectors file, its snake_case keys read as camelCase.
    static func load() throws -> Vectors {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/format-vectors.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Vectors.self, from: Data(contentsOf: file))
    }

    static let dtypes: [String: DType] = [
        "float32": .float32, "float16": .float16, "bfloat16": .bfloat16, "float64": .float64, "int64": .int64,
        "int32": .int32, "int16": .int16, "int8": .int8, "uint8": .uint8, "bool": .bool,
    ]

    @Test func singleInputDigests() throws {
        for vector in try Self.load().digests {
            #expect(ContentDigest(of: bytes(vector.inputHex)).hex == vector.sha256)
        }
    }

    @Test func compositeDigests() throws {
        for vector in try Self.load().composites {
            #expect(ContentDigest.composite(vector.partsHex.map(bytes)).hex == vector.digest)
        }
    }

    @Test func preprocessingIdentities() throws {
        for vector in try Self.load().preprocessingIdentities {
            #expect(Namespace.preprocessingIdentity(vector.configuration) == vector.identity)
        }
    }

    @Test func plainCRC32C() throws {
        for vector in try Self.load().crc32c {
            let data = vector.dataHex.map(bytes) ?? ramp(vector.dataRamp ?? 0)
            let crc = data.withUnsafeBytes { embcache_crc32c(0, $0.baseAddress, $0.count) }
            #expect(crc == vector.crc, "\(data.count) bytes")
        }
    }

    @Test func recordsEncodeToTheVectorPayloads() throws {
        for vector in try Self.load().records {
            let payload = RecordCodec.encode(try record(vector), version: try version(vector))
            #expect(payload.count == vector.payloadBytes, "\(vector.comment)")
            #expect(ContentDigest(of: payload).hex == vector.payloadSha256, "\(vector.comment)")
            if let hex = vector.payloadHex { #expect(payload == bytes(hex), "\(vector.comment)") }
        }
    }

    @Test func recordChecksums() throws {
        for vector in try Self.load().records {
            let payload = RecordCodec.encode(try record(vector), version: try version(vector))
            let digest = try #require(ContentDigest(hex: vector.digest))
            let checksum = RecordChecksum(namespace: try namespace(vector))
            #expect(checksum.checksum(of: payload, digest: digest) == vector.checksum, "\(vector.comment)")
        }
    }

    @Test func recordsDecodeToTheirTensors() throws {
        for vector in try Self.load().records {
            let expected = try record(vector)
            let payload = RecordCodec.encode(expected, version: try version(vector))
            let digest = try #require(ContentDigest(hex: vector.digest))
            let stored = StoredRecord(payload: payload, checksum: vector.checksum)
            #expect(RecordChecksum(namespace: try namespace(vector)).open(stored, digest: digest) == expected)
        }
    }

    @Test func malformedPayloadsAreRejected() throws {
        for vector in try Self.load().malformedPayloads {
            #expect(throws: EmbeddingCacheError.self, "\(vector.comment)") {
                try RecordCodec.decode(bytes(vector.payloadHex))
            }
        }
    }

    private func record(_ vector: Vectors.RecordVector) throws -> TensorRecord {
        try TensorRecord(
            vector.tensors.map { tensor in
                let dtype = try #require(Self.dtypes[tensor.dtype])
                let data = tensor.dataHex.map(bytes) ?? ramp(tensor.dataRamp ?? 0)
                return (tensor.name, try Tensor(dtype: dtype, shape: tensor.shape, data: data))
            }
        )
    }

    private func namespace(_ vector: Vectors.RecordVector) throws -> Namespace {
        let storage = try #require(StoragePolicy(rawValue: vector.namespace["storage"] ?? ""))
        return Namespace(
            model: try #require(vector.namespace["model"]),
            preprocessing: try #require(vector.namespace["preprocessing"]),
            storage: storage
        )
    }

    private func version(_ vector: Vectors.RecordVector) throws -> RecordCodec.FormatVersion {
        try #require(RecordCodec.version(of: Data(vector.magic.utf8)), "\(vector.comment)")
    }

    /// `data_ramp N`: the N bytes i % 256 for i = 0..N-1.
    private func ramp(_ count: Int) -> Data {
        Data((0..<count).map { UInt8($0 % 256) })
    }

    private func bytes(_ hex: String) -> Data {
        let digits = Array(hex.utf8)
        return Data(
            stride(from: 0, to: digits.count, by: 2).map { index in
                UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) ?? 0
            }
        )
    }
}
