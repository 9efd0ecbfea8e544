public import FoundationEssentials

/// A record as a store keeps it: the encoded payload and its checksum.
///
/// Stores treat both as opaque. The cache computes the checksum when it writes and verifies it on
/// every read, so every store gets the same integrity guarantee.
public struct StoredRecord: Sendable, Hashable {
    /// The ``RecordCodec`` encoding of the record.
    public var payload: Data
    /// The ``RecordChecksum`` of the payload under its namespace and digest.
    public var checksum: UInt32

    /// Creates a stored record.
    ///
    /// - Parameters:
    ///   - payload: The encoded record.
    ///   - checksum: Its checksum.
    public init(payload: Data, checksum: UInt32) {
        self.payload = payload
        self.checksum = checksum
    }
}
