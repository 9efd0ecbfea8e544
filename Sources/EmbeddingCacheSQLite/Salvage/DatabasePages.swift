#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A database file read page by page, trusting no page: the salvage's view of a damaged store.
///
/// Not even the page size is trusted to the header, whose bits may be flipped: the header's size is
/// taken when the file's first pages look like pages under it nearly as often as under the best
/// size, else the best size is. (Half the true size can score as well as the true size: the
/// unused middle of a page is zeros, which pass as a free page.) Every read is bounds-checked, so
/// a garbage page yields nothing rather than a trap.
struct DatabasePages {
    /// The open file.
    let descriptor: Int32
    /// The bytes per page.
    let pageSize: Int
    /// The number of whole pages in the file.
    let pageCount: Int

    /// The page sizes SQLite allows.
    private static let candidateSizes = [8192, 4096, 16384, 32768, 65536, 1024, 2048, 512]

    /// Reads the page size and count of the file open on `descriptor`, whose size is `fileSize`.
    ///
    /// When the file holds no whole page under any page size, it has no pages, of
    /// `fallbackPageSize` bytes.
    init(descriptor: Int32, fileSize: Int, fallbackPageSize: Int) {
        self.descriptor = descriptor
        let fits = { (size: Int) in fileSize >= size && fileSize % size == 0 }
        // A page of twice the true size starts with a true page too, so ties go to the smaller
        // size; a page of half the true size is garbage every other time.
        let scored = Self.candidateSizes.filter(fits).sorted().map { candidate in
            let examined = min(256, fileSize / candidate)
            let plausible = Self.plausiblePageCount(
                descriptor,
                pageSize: candidate,
                pages: examined,
                of: fileSize / candidate
            )
            return (candidate, Double(plausible) / Double(examined))
        }
        let best = scored.reduce(nil as (Int, Double)?) { best, next in
            best.map { $0.1 >= next.1 ? $0 : next } ?? next
        }
        let declared = Self.read(descriptor, offset: 16, count: 2).uint16(at: 0).map { $0 == 1 ? 65536 : $0 }
        if let best, let stated = scored.first(where: { $0.0 == declared }), stated.1 >= 0.9 * best.1 {
            pageSize = stated.0
        } else {
            pageSize = best?.0 ?? fallbackPageSize
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

    /// How many of the first `pages` pages look like b-tree or overflow pages under `pageSize`.
    ///
    /// A b-tree page has a known type, and its cell pointers and cell content start within the
    /// page; an overflow page (or a zeroed free page) starts with the number of a page of the file
    /// or zero. Under half the true size, every other page is the middle of a true page and
    /// rarely passes; under the true size nearly every page does.
    private static func plausiblePageCount(_ descriptor: Int32, pageSize: Int, pages: Int, of pageCount: Int) -> Int {
        (1...max(1, pages)).count { number in
            let header = btreeHeaderOffset(ofPage: number)
            let bytes = read(descriptor, offset: (number - 1) * pageSize + header, count: 8)
            guard let type = bytes.first, let cells = bytes.uint16(at: 3), let content = bytes.uint16(at: 5) else {
                return false
            }
            let headerEnd = header + (type == 2 || type == 5 ? 12 : 8) + 2 * cells
            let contentStart = content == 0 ? 65536 : content
            let btree = [2, 5, 10, 13].contains(type) && headerEnd <= contentStart && contentStart <= pageSize
            let overflow = number > 1 && (bytes.uint32(at: 0) ?? .max) <= pageCount
            return btree || overflow
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
