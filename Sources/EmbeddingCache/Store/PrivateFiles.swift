internal import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates the files and folders of a cache readable by their owner only: embeddings can reveal
/// the inputs they were made from.
///
/// Files are created with mode 0600 and folders with 0700 (less any bits the process's umask
/// clears). Files and folders that already exist keep their mode: a folder the user made, such
/// as `~/.cache`, is never changed.
///
/// ```swift
/// try PrivateFiles.createFolder("/home/me/.cache/embcache")
/// try PrivateFiles.createFile("/home/me/.cache/embcache/cache.sqlite")
/// ```
public enum PrivateFiles {
    /// The mode of a file the cache creates: read and write by the owner only.
    public static let fileMode = 0o600
    /// The mode of a folder the cache creates: the owner only.
    public static let folderMode = 0o700

    /// Creates `path` and any missing folder above it, each with ``folderMode``.
    ///
    /// - Parameter path: The folder.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` naming the folder that cannot be created,
    ///   or a path that exists and is not a folder.
    public static func createFolder(_ path: String) throws(EmbeddingCacheError) {
        guard !path.isEmpty, !isFolder(path) else { return }
        let trimmed = path.reversed().drop { $0 == "/" }.reversed()
        if let slash = trimmed.lastIndex(of: "/") {
            let parent = String(trimmed[..<slash])
            if !parent.isEmpty { try createFolder(parent) }
        }
        guard mkdir(path, mode_t(folderMode)) == 0 || (errno == EEXIST && isFolder(path)) else {
            throw failure("create the folder", path)
        }
    }

    /// Creates the empty file `path` with ``fileMode`` unless something exists there already.
    ///
    /// A symbolic link at `path` is left alone and not followed. SQLite gives a database's
    /// write-ahead log and shared-memory files the database file's mode, so creating the database
    /// file this way before SQLite opens it keeps all three private.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` naming the file when it cannot be created.
    public static func createFile(_ path: String) throws(EmbeddingCacheError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(fileMode))
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw failure("create", path)
        }
    }

    /// Replaces the file at `path` with `bytes` in one step, creating its folder if missing: the
    /// bytes go to a temporary file with ``fileMode`` beside it, which is then renamed over `path`,
    /// so a reader sees the old file or the new one, never a part of either.
    ///
    /// - Parameters:
    ///   - path: The file to replace or create.
    ///   - bytes: Its new contents.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` naming the file when it cannot be written;
    ///   the old file, if any, is then left as it was.
    public static func replace(_ path: String, with bytes: [UInt8]) throws(EmbeddingCacheError) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try createFolder(String(path[..<slash]))
        }
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode_t(fileMode))
        guard descriptor >= 0 else { throw failure("write", path) }
        let written = bytes.withUnsafeBytes { writeAll(descriptor, $0) }
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            let error = failure("write", path)
            unlink(temporary)
            throw error
        }
    }

    /// Writes all of `buffer` to `descriptor`, retrying short and interrupted writes.
    private static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let count = writeSome(descriptor, base + offset, buffer.count - offset)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    private static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    private static func failure(_ action: String, _ path: String) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .storeFailed,
            "cannot \(action) \(path)",
            underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        )
    }
}

/// `write(2)`, named apart so the enum's own names do not shadow it.
private func writeSome(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
