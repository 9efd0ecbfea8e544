import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// The safetensors reader meets files from anywhere (`embcache import`): hostile headers are
/// errors naming what is wrong, never traps.
struct SafetensorsReaderFuzzTests {
    static let seed: UInt64 = 0x5EED_0002
    static let cases = 100_000

    /// A valid file with the named tensors.
    static func file(_ tensors: [(String, Tensor)]) throws -> [UInt8] {
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, tensor) in tensors { try writer.declare(name, dtype: tensor.dtype, shape: tensor.shape) }
        return Array(writer.header()) + tensors.flatMap { Array($0.1.data) }
    }

    /// A file whose JSON header is `json`, followed by `dataBytes` zero bytes.
    static func file(header json: String, dataBytes: Int) -> Data {
        let header = Array(json.utf8)
        return Data(withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header)
            + Data(count: dataBytes)
    }

    @Test func mutatedFilesAreRejectedOrConsistent() throws {
        let corpus = [
            try Self.file([("a/embedding", Tensor(float32: [1, 2, 3, 4]))]),
            try Self.file([
                ("x", Tensor(dtype: .float16, shape: [2, 3], data: Data(count: 12))),
                ("y", Tensor(dtype: .bool, shape: [2], data: Data([1, 0]))),
                ("z", Tensor(dtype: .int64, shape: [], data: Data(count: 8))),
            ]),
        ]
        let summary = Fuzzing.run(seed: Self.seed, cases: Self.cases, corpus: corpus) { bytes, index in
            do throws(EmbeddingCacheError) {
                let file = try SafetensorsReader(data: Data(bytes))
                for (name, tensor) in file.tensors
                where tensor.shape.reduce(1, *) * tensor.dtype.byteWidth
                    != tensor.data.count
                {
                    Issue.record("seed \(Self.seed) case \(index): '\(name)' holds the wrong byte count")
                }
                return true
            } catch {
                if error.code != .invalidInput { Issue.record("seed \(Self.seed) case \(index): \(error)") }
                return false
            }
        }
        #expect(summary.cases == Self.cases)
        #expect(summary.rejected > 0)
        #expect(summary.accepted > 0)
    }

    @Test(arguments: [
        (#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[-8,-4]}}"#, 8, "out of range"),
        (#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,12]}}"#, 8, "out of range"),
        (
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            12, "overlap"
        ),
        (#"{"t":{"dtype":"F64","shape":[4611686018427387904,2],"data_offsets":[0,8]}}"#, 8, "'t'"),
        (#"{"t":{"dtype":"F64","shape":[1152921504606846976],"data_offsets":[0,8]}}"#, 8, "'t'"),
        (#"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4, "'t'"),
    ])
    func hostileHeadersAreErrorsNamingTheProblem(header: String, dataBytes: Int, mentioning text: String) {
        do {
            _ = try SafetensorsReader(data: Self.file(header: header, dataBytes: dataBytes))
            Issue.record("accepted \(header)")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains(text), "\(error.message)")
        }
    }

    @Test func rankOver255IsAnError() {
        let shape = "[" + Array(repeating: "1", count: 256).joined(separator: ",") + "]"
        let header = #"{"t":{"dtype":"U8","shape":\#(shape),"data_offsets":[0,1]}}"#
        #expect(throws: EmbeddingCacheError.self) {
            try SafetensorsReader(data: Self.file(header: header, dataBytes: 1))
        }
    }

    @Test func headerLongerThanTheFileIsAnError() {
        var data = Self.file(header: #"{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, dataBytes: 1)
        data.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64.max.littleEndian, Array.init))
        #expect(throws: EmbeddingCacheError.self) { try SafetensorsReader(data: data) }
        data.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init))
        #expect(throws: EmbeddingCacheError.self) { try SafetensorsReader(data: data) }
    }

    @Test func namesOver64KiBAreRefusedInARecord() throws {
        let name = String(repeating: "n", count: 70_000)
        let file = try SafetensorsReader(data: Data(try Self.file([(name, Tensor(float32: [1]))])))
        #expect(file.tensors.first?.name == name)
        #expect(throws: EmbeddingCacheError.self) { try TensorRecord(file.tensors) }
    }
}
