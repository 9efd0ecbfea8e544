import EmbeddingCache
public import Foundation

/// A file written under a temporary name and moved into place only when complete, so a failed run
/// never leaves a truncated output behind.
///
/// It speaks to the file descriptor directly: an export writes thousands of files, and each costs
/// four system calls (`open`, one `writev`, `close`, `rename`) rather than the dozen that
/// `FileManager` and `FileHandle` spend on existence checks and temporary names.
///
/// ```swift
/// let file = try OutputFile(path: "out.bin")
/// try file.write(header)
/// try file.write([first, second])
/// try file.commit()
/// ```
public final class OutputFile {
    /// The final path.
    public let path: String
    private let partialPath: String
    private var descriptor: Int32

    /// Buffers handed to one `writev` call, well under the kernel's limit of 1 024.
    private static let buffersPerCall = 64

    /// Creates `<path>.partial` for writing, readable by its owner only (mode 0600).
    ///
    /// Whatever is at `<path>.partial` already (a file left by an interrupted run, or a symbolic
    /// link planted there) is removed, never followed; the file is then created with `O_EXCL` and
    /// `O_NOFOLLOW`, so if anything reappears at that path in between, the export fails instead
    /// of writing through it.
    ///
    /// - Parameter path: The final path.
    /// - Throws: ``OutputError`` when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        partialPath = path + ".partial"
        unlink(partialPath)
        descriptor = open(
            partialPath,
            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
            mode_t(PrivateFiles.fileMode)
        )
        guard descriptor >= 0 else {
            throw OutputError(path: path, reason: "cannot create \(partialPath): \(OutputError.reason(errno: errno))")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends bytes.
    ///
    /// - Parameter data: The bytes.
    /// - Throws: ``OutputError`` when the write fails, for instance on a full disk.
    public func write(_ data: Data) throws {
        try write([data])
    }

    /// Appends several buffers back to back, with one `writev` call per 64 buffers.
    ///
    /// - Parameter buffers: The buffers, in order.
    /// - Throws: ``OutputError`` when the write fails, for instance on a full disk.
    public func write(_ buffers: [Data]) throws {
        for first in stride(from: 0, to: buffers.count, by: Self.buffersPerCall) {
            var vectors = [iovec]()
            vectors.reserveCapacity(Self.buffersPerCall)
            try Self.withVectors(buffers[first..<min(first + Self.buffersPerCall, buffers.count)], &vectors) {
                try writeAll($0)
            }
        }
    }

    /// Writes `data` to `path` whole, through a private temporary file moved into place.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The final path.
    /// - Throws: ``OutputError`` naming the file when it cannot be written.
    public static func write(_ data: Data, to path: String) throws {
        let file = try OutputFile(path: path)
        do {
            try file.write(data)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Appends the whole of `spool` (committed first), 8 MiB at a time, then deletes it.
    ///
    /// - Parameter spool: A file written beside this one, such as a data spool.
    /// - Throws: ``OutputError`` when the spool cannot be completed, read or copied.
    public func append(spool: OutputFile) throws {
        try spool.commit()
        defer { try? FileManager.default.removeItem(atPath: spool.path) }
        guard let reader = FileHandle(forReadingAtPath: spool.path) else {
            throw OutputError(path: path, reason: "cannot reopen its data spool \(spool.path)")
        }
        defer { try? reader.close() }
        while let chunk = try reader.read(upToCount: 8 << 20), !chunk.isEmpty {
            try write(chunk)
        }
    }

    /// Closes the file and moves it to its final path, replacing any file there.
    ///
    /// - Throws: ``OutputError`` when the data cannot be flushed or the file cannot be moved.
    public func commit() throws {
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0, rename(partialPath, path) == 0 else {
            throw OutputError(path: path, reason: OutputError.reason(errno: errno))
        }
    }

    /// Closes and deletes the partial file.
    public func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(partialPath)
    }

    /// Writes every byte the vectors describe, resuming after short writes and interruptions.
    private func writeAll(_ vectors: [iovec]) throws {
        var vectors = vectors[...]
        while !vectors.isEmpty {
            let written = vectors.withUnsafeBufferPointer { writev(descriptor, $0.baseAddress, Int32($0.count)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                throw OutputError(
                    path: path,
                    reason: written < 0 ? OutputError.reason(errno: errno) : "the file system accepted no bytes"
                )
            }
            var remaining = written
            while let vector = vectors.first, remaining >= vector.iov_len {
                remaining -= vector.iov_len
                vectors = vectors.dropFirst()
            }
            if remaining > 0 {
                let first = vectors.startIndex
                vectors[first].iov_base = vectors[first].iov_base.map { $0 + remaining }
                vectors[first].iov_len -= remaining
            }
        }
    }

    /// Runs `body` with one `iovec` per buffer, each valid for the duration of the call.
    private static func withVectors(
        _ buffers: ArraySlice<Data>,
        _ vectors: inout [iovec],
        _ body: ([iovec]) throws -> Void
    ) throws {
        guard let buffer = buffers.first else { return try body(vectors) }
        try buffer.withUnsafeBytes { bytes in
            if bytes.count > 0 {
                vectors.append(
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
                )
            }
            try withVectors(buffers.dropFirst(), &vectors, body)
        }
    }
}
