import EmbeddingCache
import Foundation

/// The bodies of `B` (batch) and `R` (results) frames; layouts in `docs/worker-protocol.md`.
enum WorkerMessages {
    /// What a worker answered for one input.
    enum Item: Equatable {
        /// The input's record.
        case record(TensorRecord)
        /// The worker's reason for failing this input only.
        case failure(String)
    }

    /// Status byte of a record item.
    static let recordStatus: UInt8 = 0
    /// Status byte of a per-item error.
    static let failureStatus: UInt8 = 1

    /// The `B` frame for a batch: `u32` count, then per input `u32` parts and per part `u64`
    /// length and bytes.
    static func batchFrame(_ inputs: [EncoderInput]) -> WorkerFrame {
        let size = inputs.reduce(4) { $0 + 4 + $1.parts.reduce(0) { $0 + 8 + $1.count } }
        var writer = ByteWriter(capacity: size)
        writer.integer(UInt32(inputs.count))
        for input in inputs {
            writer.integer(UInt32(input.parts.count))
            for part in input.parts {
                writer.integer(UInt64(part.count))
                writer.bytes(part)
            }
        }
        return WorkerFrame(kind: .batch, body: writer.data)
    }

    /// Parses an `R` body answering a batch of `count` inputs.
    ///
    /// - Throws: ``WireError`` for a wrong count, a truncated or over-long body, an unknown status
    ///   or dtype, or tensor bytes that do not fit the shape.
    static func decodeResults(_ body: Data, expecting count: Int) throws(WireError) -> [Item] {
        var reader = ByteReader(body)
        let answered = try reader.integer(UInt32.self, "item count")
        guard answered == count else {
            throw WireError(message: "\(answered) results for a batch of \(count) inputs")
        }
        var items = [Item]()
        items.reserveCapacity(count)
        for index in 0..<count {
            switch try reader.integer(UInt8.self, "item \(index) status") {
            case recordStatus: items.append(.record(try decodeRecord(&reader, item: index)))
            case failureStatus:
                let length = try reader.integer(UInt32.self, "item \(index) error length")
                items.append(.failure(try reader.text(UInt64(length), "item \(index) error message")))
            case let status: throw WireError(message: "item \(index) has unknown status \(status)")
            }
        }
        guard reader.isAtEnd else { throw WireError(message: "results frame has bytes after the last item") }
        return items
    }

    private static func decodeRecord(_ reader: inout ByteReader, item: Int) throws(WireError) -> TensorRecord {
        let tensorCount = try reader.integer(UInt32.self, "item \(item) tensor count")
        var tensors = [(name: String, tensor: Tensor)]()
        for _ in 0..<tensorCount {
            let name = try reader.text(UInt64(try reader.integer(UInt16.self, "tensor name length")), "tensor name")
            let dtypeName = try reader.text(UInt64(try reader.integer(UInt8.self, "dtype length")), "dtype")
            guard let dtype = DType(rawValue: dtypeName) else {
                throw WireError(message: "item \(item) tensor '\(name)' has unknown dtype '\(dtypeName)'")
            }
            let rank = try reader.integer(UInt8.self, "tensor '\(name)' rank")
            var shape = [Int]()
            for _ in 0..<rank {
                let dimension = try reader.integer(UInt64.self, "tensor '\(name)' shape")
                guard dimension <= UInt64(Int32.max) else {
                    throw WireError(message: "item \(item) tensor '\(name)' has dimension \(dimension)")
                }
                shape.append(Int(dimension))
            }
            let data = try reader.bytes(
                try reader.integer(UInt64.self, "tensor '\(name)' length"),
                "tensor '\(name)' data"
            )
            do {
                tensors.append((name, try Tensor(dtype: dtype, shape: shape, data: data)))
            } catch {
                throw WireError(message: "item \(item): \(error.message)")
            }
        }
        do {
            return try TensorRecord(tensors)
        } catch {
            throw WireError(message: "item \(item): \(error.message)")
        }
    }
}
