internal import EmbeddingCache
internal import FoundationEssentials

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The folder of large payloads beside a database, one immutable file per distinct content.
///
/// A file is named by namespace id, digest and checksum, so a record with new content gets a new
/// file and never overwrites one a committed row may reference. Files are written to a temporary
/// name, synced and renamed, before the row that references them commits: a row only ever
/// references a complete file. A crash between the rename and the commit leaves an unreferenced
/// file behind, never a referenced partial one, which `sweepSideFiles(olderThan:)` removes. Files
/// of removed rows are moved aside inside the removing transaction (see ``Removal``), and a writer
/// checks inside its own transaction that its files are still there.
struct SideFiles: Sendable {
    /// The folder, `<database path>.blobs`.
    let directory: String
    /// Mappings kept for warm re-reads.
    let mappings = MappedFileCache()

    /// The file name of a payload.
    static func name(namespaceID: Int64, digest: ContentDigest, checksum: UInt32) -> String {
        let hexChecksum = String(checksum, radix: 16)
        return "\(namespaceID)-\(digest.hex)-\(String(repeating: "0", count: 8 - hexChecksum.count))\(hexChecksum)"
    }

    /// The path of the file named `name`.
    func path(of name: String) -> String { "\(directory)/\(name)" }

    /// Writes `payload` under `name`: temporary file, `fsync`, `rename`.
    ///
    /// - Throws: ``EmbeddingCacheError``, `.storeFull` when the disk is full.
    func store(_ payload: Data, as name: String) throws(EmbeddingCacheError) {
        let temporary = path(of: ".\(name).\(UInt64.random(in: 0...UInt64.max)).tmp")
        let descriptor = open(
            temporary,
            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
            mode_t(PrivateFiles.fileMode)
        )
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var failed: EmbeddingCacheError?
        payload.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, failed == nil {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno != EINTR {
                    failed = failure("write", temporary)
                }
            }
        }
        if failed == nil, fsync(descriptor) != 0 { failed = failure("sync", temporary) }
        close(descriptor)
        if failed == nil, rename(temporary, path(of: name)) != 0 { failed = failure("rename", temporary) }
        if let failed {
            unlink(temporary)
            throw failed
        }
    }

    /// Makes completed renames durable, so a committed row never outlives its file in a crash.
    func syncDirectory() throws(EmbeddingCacheError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", directory) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("sync", directory) }
    }

    /// Maps a payload's file read-only, without copying it; recently read files stay mapped.
    ///
    /// A missing or unreadable file reads as empty, and a short one as what is there: the checksum
    /// then fails and the cache counts the entry as corrupt and re-encodes it, instead of serving or
    /// hiding a damaged record.
    func read(_ name: String) -> Data {
        mappings.data(at: path(of: name))
    }

    /// The total size of the folder's files.
    func diskBytes() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.reduce(0) { $0 + Self.fileSize(path(of: $1)) }
    }

    /// The size of the file at `path`, or 0 when there is none.
    static func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    private func failure(_ operation: String, _ path: String) -> EmbeddingCacheError {
        let code = errno
        let reason = String(cString: strerror(code))
        return EmbeddingCacheError(
            code == ENOSPC ? .storeFull : .storeFailed,
            "cannot \(operation) the side file \(path): \(reason)"
        )
    }
}
