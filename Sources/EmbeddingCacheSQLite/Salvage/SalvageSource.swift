internal import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The file a salvage reads: the damaged database itself, or, when its write-ahead log holds
/// frames, a scratch copy into which SQLite has folded the log.
///
/// The log holds the latest committed pages; without folding it in, the salvage would read
/// older versions of those pages. Folding it needs SQLite to open the copy, which a damaged header
/// or schema page can prevent: the copy is then read as it is, and records only in the log are lost.
final class SalvageSource {
    /// The open file, read-only.
    let descriptor: Int32
    /// Its size in bytes.
    let size: Int
    /// The scratch copy, when one was made.
    private let scratch: String?

    /// Opens the database at `path`, copying it and its log to `scratch` when the log is not empty.
    ///
    /// - Throws: A file-system error or ``EmbeddingCacheError`` when a file cannot be copied or opened.
    init(path: String, scratch: String) throws {
        let logged = SideFiles.fileSize("\(path)-wal") > 32
        if logged {
            try FileManager.default.copyItem(atPath: path, toPath: scratch)
            try FileManager.default.copyItem(atPath: "\(path)-wal", toPath: "\(scratch)-wal")
            Self.foldLog(into: scratch)
        }
        let file = logged ? scratch : path
        descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EmbeddingCacheError(
                .storeFailed,
                "cannot open \(file) to repair it: \(String(cString: strerror(errno)))"
            )
        }
        size = SideFiles.fileSize(file)
        self.scratch = logged ? scratch : nil
    }

    /// Folds the log of the copy at `path` into it, as far as SQLite can open the copy.
    private static func foldLog(into path: String) {
        guard let queue = try? DatabaseQueue(path: path) else { return }
        _ = try? queue.inDatabase { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try? queue.close()
    }

    /// Closes the file and removes the scratch copy, if any.
    deinit {
        close(descriptor)
        if let scratch { for suffix in ["", "-wal", "-shm"] { unlink(scratch + suffix) } }
    }
}
