#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says of a file that changes whenever its bytes may have: device, inode, size, and
/// modification and status-change times in nanoseconds.
///
/// Writing a file's bytes sets its status-change time (`ctime`), which no program can set back, so
/// a file whose identity is unchanged was not rewritten, unless its timestamps are coarser than
/// the writes (see ``StatMemo``).
public struct FileIdentity: Hashable, Sendable {
    /// The device holding the file.
    public var device: UInt64
    /// The file's inode on that device.
    public var inode: UInt64
    /// The file's size in bytes.
    public var size: UInt64
    /// The last modification of its bytes, in nanoseconds since 1970.
    public var modified: Int64
    /// The last change of its bytes or metadata, in nanoseconds since 1970.
    public var changed: Int64

    /// Creates an identity from its fields.
    ///
    /// - Parameters:
    ///   - device: The device.
    ///   - inode: The inode.
    ///   - size: The size in bytes.
    ///   - modified: The modification time in nanoseconds.
    ///   - changed: The status-change time in nanoseconds.
    public init(device: UInt64, inode: UInt64, size: UInt64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }

    /// The identity of the regular file at `path`, following symbolic links as reading it does.
    ///
    /// - Parameter path: The file.
    /// - Returns: Its identity, or `nil` when it cannot be statted or is not a regular file.
    public init?(ofFileAt path: String) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        #if canImport(Darwin)
        let (modified, changed) = (status.st_mtimespec, status.st_ctimespec)
        #else
        let (modified, changed) = (status.st_mtim, status.st_ctim)
        #endif
        self.init(
            device: UInt64(truncatingIfNeeded: status.st_dev),
            inode: UInt64(truncatingIfNeeded: status.st_ino),
            size: UInt64(truncatingIfNeeded: status.st_size),
            modified: Int64(modified.tv_sec) &* 1_000_000_000 &+ Int64(modified.tv_nsec),
            changed: Int64(changed.tv_sec) &* 1_000_000_000 &+ Int64(changed.tv_nsec)
        )
    }
}
