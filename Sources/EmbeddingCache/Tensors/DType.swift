/// The element type of a ``Tensor``.
///
/// The raw values are the safetensors names (`F32`, `F16`, `BF16`, …), so headers round-trip.
public enum DType: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// IEEE 754 single precision.
    case float32 = "F32"
    /// IEEE 754 half precision.
    case float16 = "F16"
    /// bfloat16: the top half of a float32.
    case bfloat16 = "BF16"
    /// IEEE 754 double precision.
    case float64 = "F64"
    /// Signed 64-bit integer.
    case int64 = "I64"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Signed 16-bit integer.
    case int16 = "I16"
    /// Signed 8-bit integer.
    case int8 = "I8"
    /// Unsigned 8-bit integer.
    case uint8 = "U8"
    /// Boolean, one byte per element (0 or 1).
    case bool = "BOOL"

    /// The size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Whether the type holds floating-point values (and so may hold NaN or infinity).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64: true
        default: false
        }
    }

    /// The numpy `descr` string for this type (little-endian), as `.npy` headers write it.
    public var numpyDescriptor: String? {
        switch self {
        case .float32: "<f4"
        case .float16: "<f2"
        case .float64: "<f8"
        case .int64: "<i8"
        case .int32: "<i4"
        case .int16: "<i2"
        case .int8: "|i1"
        case .uint8: "|u1"
        case .bool: "|b1"
        case .bfloat16: nil
        }
    }

    /// The safetensors name, such as `F32`.
    public var description: String { rawValue }

    /// A stable one-byte code used in the record encoding; never renumber.
    var code: UInt8 {
        switch self {
        case .float32: 0
        case .float16: 1
        case .bfloat16: 2
        case .float64: 3
        case .int64: 4
        case .int32: 5
        case .int16: 6
        case .int8: 7
        case .uint8: 8
        case .bool: 9
        }
    }

    /// The dtype for a record-encoding code.
    init?(code: UInt8) {
        switch code {
        case 0: self = .float32
        case 1: self = .float16
        case 2: self = .bfloat16
        case 3: self = .float64
        case 4: self = .int64
        case 5: self = .int32
        case 6: self = .int16
        case 7: self = .int8
        case 8: self = .uint8
        case 9: self = .bool
        default: return nil
        }
    }
}
