internal import CEmbeddingCacheSQLiteVFS
internal import EmbeddingCache

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The store's exclusive lock: SQLite's own lock bytes of the database file, held for writing, so
/// that no connection of any process can open or read the file while it is held.
///
/// Taking it fails, naming the process, when any connection has the store open: an open
/// connection holds a read lock on those bytes for as long as it is open. Released when the value
/// is released.
///
/// Nothing else in the process may open and close the database file while the lock is held (on
/// systems without open-file-description locks, closing any descriptor of the file releases it).
final class StoreLock {
    private let descriptor: Int32

    /// Takes the lock of the database at `path` without waiting.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` naming the process that has the store open,
    ///   or why the file cannot be opened.
    init(path: String) throws(EmbeddingCacheError) {
        descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EmbeddingCacheError(
                .storeFailed,
                "cannot open the embedding store at \(path) to repair it: \(String(cString: strerror(errno)))"
            )
        }
        var holder: Int32 = 0
        let result = embcache_lock_store(descriptor, &holder)
        // The descriptor stays open on failure: closing it would release the locks that this
        // process's own connections hold on the file, since POSIX locks belong to the process.
        guard result != 0 else { return }
        guard result == EAGAIN else {
            throw EmbeddingCacheError(
                .storeFailed,
                "cannot lock the embedding store at \(path) to repair it: \(String(cString: strerror(result)))"
            )
        }
        let who =
            switch holder {
            case getpid(): "this process has it open"
            case ...0: "another process has it open"
            default: "process \(holder) has it open"
            }
        throw EmbeddingCacheError(
            .storeFailed,
            """
            cannot repair the embedding store at \(path): \(who) (a running embcache command or a program \
            using the cache); stop it, then run `\(EmbeddingCacheError.repairCommand(path))` again
            """
        )
    }

    deinit { close(descriptor) }
}
