#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A database file read page by page, trusting no page: the salvage's view of a damaged store.
///
/// Only the page size is taken from the header, and only when it is a power of two that divides
/// the file's size; otherwise the size under which most pages look like b-tree pages wins. Every
/// read is bounds-checked, so a garbage page yields nothing rather than a trap.
struct DatabasePages {
    /// The open file.
    let descriptor: Int32
    /// The bytes per page.
    let pageSize: Int
    /// The number of whole pages in the file.
    let pageCount: Int

    /// The page sizes SQLite allows, most likely first for an embcache store.
    private static let candidateSizes = [8192, 4096, 16384, 32768, 65536, 1024, 2048, 512]

    /// Reads the page size and count of the file open on `descriptor`, whose size is `fileSize`.
    ///
    /// When the file holds no whole page under any page size, it has no pages, of
    /// `fallbackPageSize` bytes.
    init(descriptor: Int32, fileSize: Int, fallbackPageSize: Int) {
        self.descriptor = descriptor
        let header = Self.read(descriptor, offset: 0, count: 100)
        let declared = header.count == 100 ? Int(header[16]) << 8 | Int(header[17]) : 0
        let size = declared == 1 ? 65536 : declared
        let fits = { (size: Int) in Self.candidateSizes.contains(size) && fileSize >= size && fileSize % size == 0 }
        if fits(size) {
            pageSize = size
        } else {
            let scored = Self.candidateSizes.filter(fits).map { candidate in
                (candidate, Self.btreePageCount(descriptor, pageSize: candidate, pages: min(64, fileSize / candidate)))
            }
            pageSize = scored.max(by: { $0.1 < $1.1 })?.0 ?? fallbackPageSize
        }
        pageCount = fileSize / pageSize
    }

    /// The bytes of page `number` (counting from 1), or `nil` when it is outside the file.
    func page(_ number: Int) -> [UInt8]? {
        guard number >= 1, number <= pageCount else { return nil }
        let bytes = Self.read(descriptor, offset: (number - 1) * pageSize, count: pageSize)
        return bytes.count == pageSize ? bytes : nil
    }

    /// Where page `number`'s b-tree header starts: after the 100-byte file header on page 1.
    static func btreeHeaderOffset(ofPage number: Int) -> Int { number == 1 ? 100 : 0 }

    /// How many of the first `pages` pages start with a b-tree page type under `pageSize`.
    private static func btreePageCount(_ descriptor: Int32, pageSize: Int, pages: Int) -> Int {
        (1...max(1, pages)).count { number in
            let type = read(descriptor, offset: (number - 1) * pageSize + btreeHeaderOffset(ofPage: number), count: 1)
            return type.first.map { [2, 5, 10, 13].contains($0) } ?? false
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer at the end of the file or on an error.
    private static func read(_ descriptor: Int32, offset: Int, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if got > 0 {
                filled += got
            } else if got < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        return Array(bytes.prefix(filled))
    }
}
