/// Bounds-checked big-endian reads of SQLite's on-disk integers: every read of a byte outside the
/// buffer returns `nil`, so damaged pages cannot trap.
extension Array where Element == UInt8 {
    /// The unsigned big-endian integer of `width` bytes at `offset`.
    func bigEndian(at offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, width <= 8, offset <= count - width else { return nil }
        return self[offset..<offset + width].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The two-byte integer at `offset`.
    func uint16(at offset: Int) -> Int? { bigEndian(at: offset, width: 2).map { Int($0) } }

    /// The four-byte integer at `offset`.
    func uint32(at offset: Int) -> Int? { bigEndian(at: offset, width: 4).map { Int($0) } }

    /// SQLite's variable-length integer at `offset`: its value and its length in bytes.
    ///
    /// One to nine bytes, seven bits from each of the first eight while their high bit is set, and
    /// all eight bits of a ninth.
    func varint(at offset: Int) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        for index in 0..<9 {
            guard offset >= 0, offset + index < count else { return nil }
            let byte = self[offset + index]
            if index == 8 { return (value << 8 | UInt64(byte), 9) }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 { return (value, index + 1) }
        }
        return nil
    }
}
