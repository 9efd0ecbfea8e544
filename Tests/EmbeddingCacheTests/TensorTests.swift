import EmbeddingCache
import Foundation
import Testing

struct TensorTests {
    @Test(arguments: [
        (Float(1.0), UInt16(0x3C00)),
        (Float(-2.0), UInt16(0xC000)),
        (Float(65504), UInt16(0x7BFF)),
        (Float(65520), UInt16(0x7C00)),  // halfway to the next binade rounds to even: infinity
        (Float(1) + Float(1) / 2048, UInt16(0x3C00)),  // tie between 0x3C00 and 0x3C01: even
        (Float(1) + Float(3) / 2048, UInt16(0x3C02)),  // tie between 0x3C01 and 0x3C02: even
        (Float(5.960464477539063e-08), UInt16(0x0001)),  // smallest subnormal
    ])
    func float16RoundsToNearestEven(value: Float, bits: UInt16) {
        #expect(FloatConversion.float16Bits(value) == bits)
    }

    @Test(arguments: [
        (Float(1.0), UInt16(0x3F80)),
        (Float(1) + Float(1) / 256, UInt16(0x3F80)),  // tie: even
        (Float(1) + Float(3) / 256, UInt16(0x3F82)),  // tie: even
        (Float(1) + Float(1) / 128 + Float(1) / 65536, UInt16(0x3F81)),
        (-Float.infinity, UInt16(0xFF80)),
    ])
    func bfloat16RoundsToNearestEven(value: Float, bits: UInt16) {
        #expect(FloatConversion.bfloat16Bits(value) == bits)
        #expect(FloatConversion.float(bfloat16Bits: bits) == Float(bitPattern: UInt32(bits) << 16))
    }

    @Test func narrowingKeepsShapeAndRejectsOverflow() throws {
        let tensor = Tensor(float32: [1, -0.5, 3, 4, 5, 6], shape: [2, 3])
        let half = try FloatConversion.narrow(tensor, to: .float16)
        #expect(half.dtype == .float16 && half.shape == [2, 3] && half.data.count == 12)
        #expect(half.floatValues() == [1, -0.5, 3, 4, 5, 6])
        #expect(throws: EmbeddingCacheError.self) {
            try FloatConversion.narrow(Tensor(float32: [70_000]), to: .float16)
        }
        // bfloat16 steps by 512 at this magnitude: 70 000 rounds to 70 144.
        #expect(try FloatConversion.narrow(Tensor(float32: [70_000]), to: .bfloat16).floatValues() == [70_144])
    }

    static func float64(_ values: [Double]) throws -> Tensor {
        try Tensor(dtype: .float64, shape: [values.count], data: values.withUnsafeBytes { Data($0) })
    }

    /// A float64 beyond float32's range used to become infinity on the way and was stored as such.
    @Test func narrowingFloat64RefusesOverflowInsteadOfStoringInfinity() throws {
        #expect(throws: EmbeddingCacheError.self) {
            try FloatConversion.narrow(Self.float64([1, 1e300]), to: .float16)
        }
        #expect(throws: EmbeddingCacheError.self) { try FloatConversion.narrow(Self.float64([-1e39]), to: .bfloat16) }
        let kept = try FloatConversion.narrow(Self.float64([1, -2.5, .infinity]), to: .float16)
        #expect(kept.floatValues() == [1, -2.5, .infinity])
    }

    @Test func saturatingNarrowingStoresTheLargestFiniteValue() throws {
        let half = try FloatConversion.narrow(Self.float64([1e300, -1e300, 70_000, 1]), to: .float16, saturating: true)
        #expect(half.floatValues() == [65_504, -65_504, 65_504, 1])
        let brain = try FloatConversion.narrow(Self.float64([1e39, -1e39]), to: .bfloat16, saturating: true)
        #expect(brain.data == Data([0x7F, 0x7F, 0x7F, 0xFF]))
        #expect(
            StoragePolicy.float16Saturating.floatStorageType == .float16 && StoragePolicy.float16Saturating.saturates
        )
        #expect(!StoragePolicy.float16.saturates)
    }

    @Test func byteCountMustMatchShape() {
        #expect(throws: EmbeddingCacheError.self) { try Tensor(dtype: .float32, shape: [3], data: Data(count: 8)) }
        #expect(throws: EmbeddingCacheError.self) { try Tensor(dtype: .int8, shape: [-1], data: Data()) }
        #expect((try? Tensor(dtype: .bool, shape: [2, 0, 5], data: Data())) != nil)
    }

    @Test func recordNamesMustBeUnique() {
        let tensor = Tensor(float32: [1])
        #expect(throws: EmbeddingCacheError.self) { try TensorRecord([("a", tensor), ("a", tensor)]) }
        #expect(throws: EmbeddingCacheError.self) { try TensorRecord([("", tensor)]) }
    }
}

struct DTypeCodeTests {
    @Test(arguments: DType.allCases)
    func everyDTypeRoundTripsThroughARecord(dtype: DType) throws {
        let tensor = try Tensor(dtype: dtype, shape: [2], data: Data(repeating: 1, count: 2 * dtype.byteWidth))
        let decoded = try RecordCodec.decode(RecordCodec.encode(TensorRecord(single: tensor)))
        #expect(decoded["embedding"] == tensor)
    }
}

/// The storage policy's overflow rule through the cache: the input is named and nothing is stored.
struct NarrowingOverflowTests {
    /// Returns float64 `[1e300]` for inputs whose bytes are "big", `[0.5]` otherwise.
    struct Float64Encoder: EmbeddingEncoder {
        let namespace = Namespace(model: "float64-test", preprocessing: "none")
        let preferredBatchSize = 8
        let schema = RecordSchema([.init(name: "embedding", dtype: .float64, shape: [.fixed(1)])])

        func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
            try batch.map { input in
                let value = input.bytes == Data("big".utf8) ? 1e300 : 0.5
                return .success(TensorRecord(single: try TensorTests.float64([value])))
            }
        }
    }

    @Test(arguments: [StoragePolicy.float16, .float16Saturating])
    func anOverflowingInputFailsAloneUnlessSaturating(policy: StoragePolicy) async throws {
        var configuration = EmbeddingCache.Configuration()
        configuration.storagePolicy = policy
        let store = InMemoryEmbeddingStore()
        let cache = EmbeddingCache(store: store, encoder: Float64Encoder(), configuration: configuration)
        let result = try await cache.results(for: [
            .bytes(Data("big".utf8), label: "big-input"), .bytes(Data("small".utf8), label: "small-input"),
        ])
        #expect(try result.results[1].get().tensors[0].tensor.floatValues() == [0.5])
        switch result.results[0] {
        case .failure(let error):
            #expect(!policy.saturates)
            #expect(error.input == "big-input" && error.code == .invalidEncoderOutput)
        case .success(let record):
            #expect(policy.saturates)
            #expect(record.tensors[0].tensor.floatValues() == [65_504])
        }
        #expect(await store.statistics().totalEntries == (policy.saturates ? 2 : 1))
    }
}
