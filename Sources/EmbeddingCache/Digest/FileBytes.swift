import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files for digesting and encoding, with errors that name the file.
enum FileBytes {
    /// Regular files below this size are read with `open`, `fstat`, one `read` and `close`;
    /// larger ones, empty ones (procfs files report a size of 0 and may fail to read), and anything
    /// else, through `Data(contentsOf:options: .mappedIfSafe)`.
    ///
    /// A warm pass is reading and hashing, so the per-file cost of small inputs counts:
    /// Foundation's path checks (a `getcwd` and three `stat` calls per file) made a warm pass over
    /// small files measurably slower than plain system calls (`docs/benchmarks.md`).
    static let directReadLimit = 1 << 20

    /// Reads the file at `path` into memory.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming the path.
    static func read(_ path: String) throws(EmbeddingCacheError) -> Data {
        // O_NONBLOCK: a FIFO must not block here; it is not a regular file, so Foundation reads it.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw unreadable(path, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            (1..<directReadLimit).contains(status.st_size),
            let bytes = readAll(descriptor, expected: Int(status.st_size))
        else { return try throughFoundation(path) }
        return bytes
    }

    /// Reads exactly `expected` bytes, or `nil` when the file turns out shorter or longer (it is
    /// being written) or a read fails, so that the caller falls back to Foundation's read.
    private static func readAll(_ descriptor: Int32, expected: Int) -> Data? {
        // One byte more than expected, to see a file that grew since `fstat`.
        guard let buffer = malloc(expected + 1) else { return nil }
        var count = 0
        while count <= expected {
            let requested = expected + 1 - count
            let got = readSome(descriptor, buffer + count, requested)
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else {
                free(buffer)
                return nil
            }
            if got == 0 { break }
            count += got
            // A short read that stops at the size `fstat` reported is the end of the file; a second
            // call to see 0 bytes would cost a system call per file on the warm path.
            if count == expected, got < requested { break }
        }
        guard count == expected else {
            free(buffer)
            return nil
        }
        return Data(bytesNoCopy: buffer, count: count, deallocator: .free)
    }

    private static func throughFoundation(_ path: String) throws(EmbeddingCacheError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw unreadable(path, error)
        }
    }

    private static func unreadable(_ path: String, _ error: any Error) -> EmbeddingCacheError {
        EmbeddingCacheError(.inputUnreadable, "cannot read '\(path)'", input: path, underlying: error)
    }
}

/// `read(2)`, out of reach by its plain name inside ``FileBytes``, whose own `read` shadows it.
private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
