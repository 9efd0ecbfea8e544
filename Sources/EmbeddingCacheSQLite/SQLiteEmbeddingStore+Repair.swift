public import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension SQLiteEmbeddingStore {
    /// What ``rebuild(at:configuration:)`` kept and dropped, and where the damaged file went.
    public struct RebuildReport: Sendable, Hashable {
        /// Records copied into the new file: every one that could be read and verified.
        public var kept: Int
        /// Records found in the damaged file but not copied: their bytes were damaged, or their
        /// namespace's row could not be read.
        public var dropped: Int
        /// The damaged original, kept beside the store as `PATH.damaged-TIME`.
        public var damagedFile: String
    }

    /// Rebuilds the store at `path` into a fresh file from every record that can still be read and
    /// still verifies, swaps it in, and keeps the damaged original beside it.
    ///
    /// The damaged file is read page by page, trusting none (see `StoreSalvage`): a record is kept
    /// when its row, its overflow pages, its side file and its namespace's row are whole and its
    /// checksum verifies. Its write-ahead log, when not empty, is first folded into a scratch copy.
    /// The new file replaces the old one with a rename, so the path always names a whole store;
    /// the old file stays as `PATH.damaged-TIME` (its log, if any, as `PATH.damaged-TIME-wal`).
    /// Side files stay where they are. The store's exclusive lock is held throughout.
    ///
    /// ```swift
    /// let report = try SQLiteEmbeddingStore.rebuild(at: path)
    /// print("\(report.kept) kept, \(report.dropped) dropped; damaged file at \(report.damagedFile)")
    /// ```
    ///
    /// - Parameters:
    ///   - path: The database file. No connection may have it open, in this process or another.
    ///   - configuration: The page size of the new file, when the old one's cannot be read.
    /// - Returns: Records kept and dropped, and the damaged file's new name.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when a connection has the store open (the
    ///   message names the process) or a file cannot be written; `.storeFull` when the disk is full.
    ///   The store is then left as it was.
    /// - Complexity: Reads every page of the file twice and writes the records kept once.
    public static func rebuild(
        at path: String,
        configuration: Configuration = Configuration()
    ) throws(EmbeddingCacheError) -> RebuildReport {
        let lock = try StoreLock(path: path)
        let stamp = Date().formatted(
            .iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false)
                .timeSeparator(.omitted).timeZone(separator: .omitted)
        )
        let rebuilt = "\(path).rebuilding-\(stamp)"
        let damaged = "\(path).damaged-\(stamp)"
        do {
            let source = try SalvageSource(path: path, scratch: "\(rebuilt).source")
            let pages = DatabasePages(
                descriptor: source.descriptor,
                fileSize: source.size,
                fallbackPageSize: configuration.pageSize
            )
            try createPrivately(rebuilt, like: path)
            let queue = try DatabaseQueue(path: rebuilt)
            try queue.inDatabase { try $0.execute(sql: "PRAGMA page_size = \(pages.pageSize)") }
            try Schema.migrator.migrate(queue)
            let salvage = StoreSalvage(pages: pages, sideFiles: SideFiles(directory: "\(path).blobs"))
            let outcome = try salvage.copy(into: queue)
            try queue.close()
            try swap(path, with: rebuilt, keeping: damaged)
            withExtendedLifetime((lock, source)) {}
            return RebuildReport(kept: outcome.kept, dropped: outcome.dropped, damagedFile: damaged)
        } catch {
            unlink(rebuilt)
            unlink("\(rebuilt)-journal")
            throw EmbeddingCacheError.store(error, path: path, while: "repair")
        }
    }

    /// Replaces `path` by `rebuilt`, keeping the old file as `damaged`: a hard link to it first
    /// (a copy where links are not supported), then its log moved aside and its shared-memory file
    /// removed, so that no log of the old file is ever applied to the new one, then one rename.
    private static func swap(_ path: String, with rebuilt: String, keeping damaged: String) throws {
        if link(path, damaged) != 0 { try FileManager.default.copyItem(atPath: path, toPath: damaged) }
        if rename("\(path)-wal", "\(damaged)-wal") != 0, errno != ENOENT { throw failure("move the log of", path) }
        unlink("\(path)-shm")
        guard rename(rebuilt, path) == 0 else { throw failure("replace", path) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try SideFiles(directory: folder).syncDirectory()
    }

    /// Creates the empty file `path` with the permissions of the file at `original`, so that the
    /// rebuilt store is no more readable than the damaged one was.
    private static func createPrivately(_ path: String, like original: String) throws {
        var status = stat()
        let mode = stat(original, &status) == 0 ? status.st_mode & 0o777 : 0o600
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create the new file for", path) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw failure("set the permissions of the new file for", path) }
    }

    private static func failure(_ operation: String, _ path: String) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .storeFailed,
            "cannot \(operation) the embedding store at \(path): \(String(cString: strerror(errno)))"
        )
    }
}
