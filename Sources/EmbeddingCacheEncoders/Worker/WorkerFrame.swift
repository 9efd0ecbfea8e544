import Foundation

/// One frame of the worker protocol: a kind byte, a little-endian `u64` body length, the body.
///
/// See `docs/worker-protocol.md` for every message's layout.
struct WorkerFrame: Sendable {
    /// What a frame carries.
    enum Kind: UInt8, Sendable, CustomStringConvertible {
        /// Worker to embcache, first: the handshake JSON.
        case handshake = 0x48
        /// embcache to worker: a batch of inputs.
        case batch = 0x42
        /// Worker to embcache: one result per input of the last batch.
        case results = 0x52
        /// Worker to embcache, instead of a handshake or results: a UTF-8 reason it cannot go on.
        case fatal = 0x45

        var description: String {
            switch self {
            case .handshake: "handshake (H)"
            case .batch: "batch (B)"
            case .results: "results (R)"
            case .fatal: "fatal (E)"
            }
        }
    }

    /// Bytes before the body: the kind and the length.
    static let headerSize = 9
    /// The largest body accepted (64 GiB); a larger length is treated as garbage.
    static let maximumBodyLength: UInt64 = 1 << 36
    /// The largest handshake body accepted (1 MiB).
    static let maximumHandshakeLength: UInt64 = 1 << 20

    let kind: Kind
    let body: Data

    /// The frame's bytes: header then body.
    var encoded: Data {
        var writer = ByteWriter(capacity: Self.headerSize + body.count)
        writer.integer(kind.rawValue)
        writer.integer(UInt64(body.count))
        writer.bytes(body)
        return writer.data
    }

    /// Parses a header.
    ///
    /// - Returns: The kind and the body length.
    /// - Throws: A description of the problem when the kind is unknown or the length absurd.
    static func parseHeader(_ header: Data) throws(WireError) -> (kind: Kind, length: UInt64) {
        var reader = ByteReader(header)
        let code = try reader.integer(UInt8.self, "frame kind")
        let length = try reader.integer(UInt64.self, "frame length")
        guard let kind = Kind(rawValue: code) else {
            throw WireError(message: "unknown frame kind 0x\(String(code, radix: 16, uppercase: true))")
        }
        guard length <= maximumBodyLength else {
            throw WireError(message: "frame length \(length) is over the 64 GiB limit")
        }
        return (kind, length)
    }
}
