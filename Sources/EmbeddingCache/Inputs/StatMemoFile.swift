internal import Crypto
import FoundationEssentials

/// The file a ``StatMemo`` is kept in: `EMBCSTAT`, a version and an entry count (4 bytes each,
/// little-endian), the entries, then the SHA-256 of everything before it.
///
/// An entry is the path's length in bytes (4), the path in UTF-8, the identity's device, inode,
/// size, modification and status-change times (8 each), the time the digest was recorded (8) and
/// the digest (32). A file that is short, long, of another version or fails its SHA-256 reads as
/// no file at all.
enum StatMemoFile {
    private static let magic = Array("EMBCSTAT".utf8)
    private static let version: UInt32 = 1
    private static let fixedEntryBytes = 4 + 6 * 8 + ContentDigest.byteCount

    /// The entries of the memo file at `path`, or `nil` when there is none or it is not valid.
    static func read(_ path: String) -> [String: StatMemo.Entry]? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return nil }
        let bytes = [UInt8](data)
        let trailer = ContentDigest.byteCount
        guard bytes.count >= magic.count + 8 + trailer, bytes.starts(with: magic) else { return nil }
        let body = bytes[..<(bytes.count - trailer)]
        guard Array(SHA256.hash(data: body)) == Array(bytes[(bytes.count - trailer)...]) else { return nil }
        var reader = LittleEndianReader(bytes: body, offset: magic.count)
        guard reader.uint32() == version, let count = reader.uint32() else { return nil }
        var entries = [String: StatMemo.Entry](minimumCapacity: Int(min(count, 1 << 20)))
        for _ in 0..<count {
            guard let pathLength = reader.uint32(), let pathBytes = reader.take(Int(pathLength)),
                let file = String(validating: pathBytes, as: UTF8.self),
                let device = reader.uint64(), let inode = reader.uint64(), let size = reader.uint64(),
                let modified = reader.uint64(), let changed = reader.uint64(), let recorded = reader.uint64(),
                let digestBytes = reader.take(ContentDigest.byteCount),
                let digest = ContentDigest(bytes: digestBytes)
            else { return nil }
            entries[file] = StatMemo.Entry(
                identity: FileIdentity(
                    device: device,
                    inode: inode,
                    size: size,
                    modified: Int64(bitPattern: modified),
                    changed: Int64(bitPattern: changed)
                ),
                digest: digest,
                recorded: Int64(bitPattern: recorded)
            )
        }
        return reader.isAtEnd ? entries : nil
    }

    /// Writes `entries` to `path` through a private temporary file renamed over it.
    static func write(_ entries: [String: StatMemo.Entry], to path: String) throws(EmbeddingCacheError) {
        var bytes = magic
        bytes.reserveCapacity(16 + entries.count * (fixedEntryBytes + 64))
        append(version, to: &bytes)
        append(UInt32(entries.count), to: &bytes)
        for (file, entry) in entries {
            let pathBytes = Array(file.utf8)
            append(UInt32(pathBytes.count), to: &bytes)
            bytes += pathBytes
            for value in [
                entry.identity.device, entry.identity.inode, entry.identity.size,
                UInt64(bitPattern: entry.identity.modified), UInt64(bitPattern: entry.identity.changed),
                UInt64(bitPattern: entry.recorded),
            ] {
                append(value, to: &bytes)
            }
            bytes += entry.digest.bytes
        }
        bytes += Array(SHA256.hash(data: bytes))
        try PrivateFiles.replace(path, with: bytes)
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

private struct LittleEndianReader {
    let bytes: ArraySlice<UInt8>
    var offset: Int

    init(bytes: ArraySlice<UInt8>, offset: Int) {
        self.bytes = bytes
        self.offset = bytes.startIndex + offset
    }

    var isAtEnd: Bool { offset == bytes.endIndex }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.endIndex - offset >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func uint32() -> UInt32? {
        take(4).map { $0.reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    }

    mutating func uint64() -> UInt64? {
        take(8).map { $0.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    }
}
