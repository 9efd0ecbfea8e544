/// CRC32C computed bit by bit from its definition (reflected polynomial 0x82F63B78, initial value
/// and final XOR 0xFFFFFFFF): the reference the library's CRC32C and record checksums are checked
/// against, sharing no code with them.
enum BitwiseCRC32C {
    /// The CRC32C of `bytes`, continuing from `crc` (0 to start).
    static func crc(_ bytes: some Sequence<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
        var register = ~crc
        for byte in bytes {
            register ^= UInt32(byte)
            for _ in 0..<8 { register = (register >> 1) ^ (0x82F6_3B78 & (0 &- (register & 1))) }
        }
        return ~register
    }
}
