import FoundationEssentials

/// Conversions between float32 and the narrow float types, rounding to nearest even.
public enum FloatConversion {
    /// Rounds a float32 to bfloat16 bits, to nearest even; NaN stays a quiet NaN.
    ///
    /// - Parameter value: The value to round.
    /// - Returns: The 16 bfloat16 bits.
    @inlinable
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    /// Widens bfloat16 bits to a float32, exactly.
    ///
    /// - Parameter bits: The 16 bfloat16 bits.
    /// - Returns: The value.
    @inlinable
    public static func float(bfloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Rounds a float32 to IEEE 754 half-precision bits, to nearest even.
    ///
    /// - Parameter value: The value to round.
    /// - Returns: The 16 half-precision bits.
    @inlinable
    public static func float16Bits(_ value: Float) -> UInt16 {
        Float16(value).bitPattern
    }

    /// Widens half-precision bits to a float32, exactly.
    ///
    /// - Parameter bits: The 16 half-precision bits.
    /// - Returns: The value.
    @inlinable
    public static func float(float16Bits bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    /// Down-casts a float32 or float64 tensor to float16 or bfloat16.
    ///
    /// A finite value too large for the target type is refused, or with `saturating` stored as the
    /// type's largest finite value of the same sign. Infinities and NaN stay what they are.
    ///
    /// - Parameters:
    ///   - tensor: The tensor; tensors of other dtypes are returned unchanged.
    ///   - target: `.float16` or `.bfloat16`.
    ///   - saturating: Whether overflowing values become the largest finite value instead of an error.
    /// - Returns: The narrowed tensor.
    /// - Throws: ``EmbeddingCacheError/Code/invalidEncoderOutput`` when a finite value overflows the
    ///   target type (it would be stored as infinity) and `saturating` is `false`.
    public static func narrow(
        _ tensor: Tensor,
        to target: DType,
        saturating: Bool = false
    ) throws(EmbeddingCacheError) -> Tensor {
        guard tensor.dtype == .float32 || tensor.dtype == .float64, tensor.dtype != target else { return tensor }
        let values = floats(from: tensor)
        // A float64 beyond float32's range is already infinite as a Float: judge finiteness on the original.
        let finite: [Bool] =
            tensor.dtype == .float64
            ? tensor.data.withUnsafeBytes { $0.loadElements(Double.self) { $0.isFinite } } : values.map(\.isFinite)
        let largest: UInt16 = target == .float16 ? 0x7BFF : 0x7F7F
        var overflowed = false
        var narrowed = [UInt16](repeating: 0, count: values.count)
        for index in values.indices {
            let value = values[index]
            var bits = target == .float16 ? float16Bits(value) : bfloat16Bits(value)
            let widened = target == .float16 ? float(float16Bits: bits) : float(bfloat16Bits: bits)
            if finite[index], !widened.isFinite {
                bits = largest | (bits & 0x8000)
                overflowed = true
            }
            narrowed[index] = bits
        }
        guard !overflowed || saturating else {
            throw EmbeddingCacheError(
                .invalidEncoderOutput,
                "a value of a \(tensor.dtype) tensor of shape \(tensor.shape) overflows \(target) storage "
                    + "(a -saturating storage policy stores the largest finite value instead)"
            )
        }
        let data = narrowed.withUnsafeBytes { Data($0) }
        return Tensor(unchecked: target, shape: tensor.shape, data: data)
    }

    /// The elements of any tensor as `Float`.
    ///
    /// - Parameter tensor: The tensor.
    /// - Returns: One `Float` per element, in order.
    public static func floats(from tensor: Tensor) -> [Float] {
        tensor.data.withUnsafeBytes { raw in
            switch tensor.dtype {
            case .float32: raw.loadElements(Float.self) { $0 }
            case .float16: raw.loadElements(UInt16.self) { float(float16Bits: $0) }
            case .bfloat16: raw.loadElements(UInt16.self) { float(bfloat16Bits: $0) }
            case .float64: raw.loadElements(Double.self) { Float($0) }
            case .int64: raw.loadElements(Int64.self) { Float($0) }
            case .int32: raw.loadElements(Int32.self) { Float($0) }
            case .int16: raw.loadElements(Int16.self) { Float($0) }
            case .int8: raw.loadElements(Int8.self) { Float($0) }
            case .uint8, .bool: raw.loadElements(UInt8.self) { Float($0) }
            }
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Loads every element of type `T` (unaligned, little-endian host) and maps it.
    @inlinable
    func loadElements<T, R>(_ type: T.Type, _ transform: (T) -> R) -> [R] {
        let count = self.count / MemoryLayout<T>.size
        return (0..<count).map { transform(loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }
}
