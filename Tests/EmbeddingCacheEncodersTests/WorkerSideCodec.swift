import EmbeddingCache
import Foundation

@testable import EmbeddingCacheEncoders

/// The worker's half of the protocol, written independently of embcache's half from
/// `docs/worker-protocol.md`: decodes batch bodies and encodes results bodies.
enum WorkerSideCodec {
    /// The parts of every input of a `B` body.
    static func decodeBatch(_ body: Data) throws -> [[Data]] {
        var reader = ByteReader(body)
        return try (0..<reader.integer(UInt32.self, "count")).map { _ in
            try (0..<reader.integer(UInt32.self, "parts")).map { _ in
                try reader.bytes(try reader.integer(UInt64.self, "length"), "part")
            }
        }
    }

    /// An `R` body for `items`.
    static func encodeResults(_ items: [WorkerMessages.Item]) -> Data {
        var writer = ByteWriter()
        writer.integer(UInt32(items.count))
        for item in items {
            switch item {
            case .record(let record):
                writer.integer(UInt8(0))
                writer.integer(UInt32(record.tensors.count))
                for (name, tensor) in record.tensors {
                    writer.integer(UInt16(name.utf8.count))
                    writer.bytes(Data(name.utf8))
                    writer.integer(UInt8(tensor.dtype.rawValue.utf8.count))
                    writer.bytes(Data(tensor.dtype.rawValue.utf8))
                    writer.integer(UInt8(tensor.shape.count))
                    for dimension in tensor.shape { writer.integer(UInt64(dimension)) }
                    writer.integer(UInt64(tensor.data.count))
                    writer.bytes(tensor.data)
                }
            case .failure(let message):
                writer.integer(UInt8(1))
                writer.integer(UInt32(message.utf8.count))
                writer.bytes(Data(message.utf8))
            }
        }
        return writer.data
    }
}
