internal import EmbeddingCache
internal import FoundationEssentials
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension SideFiles {
    /// The prefix of a side file moved aside by a removal that has not finished.
    static let asidePrefix = ".aside."

    /// The side files one write transaction removes.
    ///
    /// Files are moved aside (renamed to `.aside.<name>.<random>`) inside the transaction, while it
    /// holds the write lock, so no writer can store a file of the same name in between; they are
    /// deleted after the commit, or moved back when the transaction fails. A crash before the
    /// commit leaves them aside, and ``SQLiteEmbeddingStore/sweepSideFiles(olderThan:)`` moves back
    /// those a committed row still references: a committed row always has its file.
    final class Removal: Sendable {
        private let files: SideFiles
        private let moved = Mutex<[(original: String, aside: String)]>([])

        init(_ files: SideFiles) { self.files = files }

        /// Moves the named files aside; call inside the write transaction.
        func moveAside(_ names: some Sequence<String>) {
            var done = [(original: String, aside: String)]()
            for name in names {
                let original = files.path(of: name)
                let aside = files.path(of: "\(SideFiles.asidePrefix)\(name).\(UInt64.random(in: 0...UInt64.max))")
                if rename(original, aside) == 0 { done.append((original, aside)) }
            }
            files.mappings.forget(done.map(\.original))
            moved.withLock { $0 += done }
        }

        /// Deletes the files moved aside, once the transaction committed.
        func finish() {
            for file in moved.withLock({ $0 }) { unlink(file.aside) }
        }

        /// Moves the files back, when the transaction failed.
        func undo() {
            for file in moved.withLock({ $0 }) { rename(file.aside, file.original) }
        }
    }

    /// Writes `payload` under `name` again when the file is missing: inside a write transaction, a
    /// file a concurrent removal took away after this writer stored it is put back before the row
    /// that references it commits.
    ///
    /// - Returns: Whether the file was written.
    /// - Throws: ``EmbeddingCacheError`` as ``store(_:as:)`` does.
    func restoreIfMissing(_ payload: Data, as name: String) throws(EmbeddingCacheError) -> Bool {
        guard !exists(name) else { return false }
        try store(payload, as: name)
        return true
    }

    /// Whether a file named `name` is in the folder.
    func exists(_ name: String) -> Bool { access(path(of: name), F_OK) == 0 }
}
