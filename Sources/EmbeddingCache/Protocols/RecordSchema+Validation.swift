import FoundationEssentials

extension RecordSchema {
    /// Checks that `record` keeps every promise of this schema.
    ///
    /// - Parameter record: A record returned by the encoder.
    /// - Throws: ``EmbeddingCacheError/Code/invalidEncoderOutput`` describing the first broken rule
    ///   by tensor name, dtype and shape (never by value).
    public func validate(_ record: TensorRecord) throws(EmbeddingCacheError) {
        guard record.names == fields.map(\.name) else {
            throw invalid("returned tensors \(record.names), expected \(fields.map(\.name))")
        }
        var variables = [String: Int]()
        for (field, (name, tensor)) in zip(fields, record.tensors) {
            guard tensor.dtype == field.dtype else {
                throw invalid("returned '\(name)' as \(tensor.dtype), expected \(field.dtype)")
            }
            guard tensor.shape.count == field.shape.count else {
                throw invalid("returned '\(name)' with shape \(tensor.shape), expected \(field.shape)")
            }
            for (size, rule) in zip(tensor.shape, field.shape) {
                switch rule {
                case .fixed(let expected) where size != expected:
                    throw invalid("returned '\(name)' with shape \(tensor.shape), expected \(field.shape)")
                case .variable(let variable):
                    if let known = variables[variable], known != size {
                        throw invalid("returned '\(name)' with \(variable) = \(size), another tensor has \(known)")
                    }
                    variables[variable] = size
                default:
                    break
                }
            }
            if !allowsNonFinite, !FiniteCheck.allFinite(tensor) {
                throw invalid("returned NaN or infinity in '\(name)' (shape \(tensor.shape))")
            }
        }
    }

    private func invalid(_ message: String) -> EmbeddingCacheError {
        EmbeddingCacheError(.invalidEncoderOutput, "the encoder \(message)")
    }
}

/// Scans float tensors for NaN and infinity by their exponent bits.
enum FiniteCheck {
    static func allFinite(_ tensor: Tensor) -> Bool {
        tensor.data.withUnsafeBytes { raw in
            switch tensor.dtype {
            case .float32: allBelow(raw, UInt32.self, exponentMask: 0x7F80_0000)
            case .float64: allBelow(raw, UInt64.self, exponentMask: 0x7FF0_0000_0000_0000)
            case .float16: allBelow(raw, UInt16.self, exponentMask: 0x7C00)
            case .bfloat16: allBelow(raw, UInt16.self, exponentMask: 0x7F80)
            default: true
            }
        }
    }

    /// True when no element has every exponent bit set (which marks NaN and infinity).
    private static func allBelow<T: FixedWidthInteger>(
        _ raw: UnsafeRawBufferPointer,
        _: T.Type,
        exponentMask: T
    ) -> Bool {
        let count = raw.count / MemoryLayout<T>.size
        var saturated = false
        for index in 0..<count {
            let bits = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)
            saturated = saturated || (bits & exponentMask == exponentMask)
        }
        return !saturated
    }
}
