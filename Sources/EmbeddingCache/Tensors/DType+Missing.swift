public import FoundationEssentials

extension DType {
    /// The bytes of `count` NaN values of this type, little-endian: what output files write for
    /// an input that has no record.
    ///
    /// - Parameter count: The number of values.
    /// - Returns: `count` quiet NaNs; `nil` for a type that has no NaN (integers, bool).
    public func missingValues(count: Int) -> Data? {
        switch self {
        case .float32: Self.repeated(Float.nan.bitPattern, count)
        case .float64: Self.repeated(Double.nan.bitPattern, count)
        case .float16: Self.repeated(Float16.nan.bitPattern, count)
        case .bfloat16: Self.repeated(UInt16(Float.nan.bitPattern >> 16), count)
        default: nil
        }
    }

    private static func repeated<T: FixedWidthInteger>(_ bits: T, _ count: Int) -> Data {
        [T](repeating: bits.littleEndian, count: count).withUnsafeBytes { Data($0) }
    }
}
