internal import CEmbeddingCacheSQLiteVFS
internal import FoundationEssentials
internal import GRDB
import Synchronization

/// Read-only connections that lookups borrow on the calling thread, without ever waiting for one
/// another.
///
/// A warm lookup is a few microseconds of SQLite work over mapped memory; going through the pool's
/// asynchronous `read` adds two thread hops, tens of microseconds, to every call. Blocking a task's
/// thread on the pool's synchronous `read` instead would be unsafe: it waits for a free reader,
/// and the tasks holding readers may need that very thread to finish. So lookups keep their own
/// stack of idle read-only connections: a caller takes one (or opens a new one when none is idle),
/// uses it alone, and puts it back. No caller ever waits for another, so the thread is held only
/// for the SQLite work itself.
///
/// The connections open the file through embcache's mapped VFS (`mapped_vfs.c`), which maps as
/// much of it as ``SQLiteEmbeddingStore/Configuration/mmapSize`` allows. Through SQLite's own VFS,
/// a store past 2 GiB would read every page beyond that with `pread` into a small page cache.
final class LookupConnections: Sendable {
    private let path: String
    private let configuration: SQLiteEmbeddingStore.Configuration
    private let idle = Mutex<[LookupConnection]>([])
    /// Idle connections kept open beyond this are closed.
    private static let idleLimit = 8

    init(path: String, configuration: SQLiteEmbeddingStore.Configuration) {
        self.path = path
        self.configuration = configuration
    }

    /// Runs `body` on a connection no one else is using, and puts the connection back for the
    /// next caller unless it is still inside a transaction afterwards (then it is closed).
    func read<Result>(_ body: (LookupConnection) throws -> Result) throws -> Result {
        let connection = try idle.withLock { $0.popLast() } ?? LookupConnection(open())
        defer {
            if !connection.isInsideTransaction {
                idle.withLock { connections in
                    if connections.count < Self.idleLimit { connections.append(connection) }
                }
            }
        }
        return try body(connection)
    }

    /// Closes the idle connections.
    func closeIdle() {
        idle.withLock { $0.removeAll() }
    }

    private func open() throws -> DatabaseQueue {
        var database = configuration.database
        database.readonly = true
        return try DatabaseQueue(path: Self.mappedFilename(path) ?? path, configuration: database)
    }

    /// The mapped VFS's name; nil when it could not be registered, and lookups use SQLite's own.
    private static let mappedVFS: String? = embcache_sqlite_register_mapped_vfs().map { String(cString: $0) }

    /// `path` as a URI filename that opens it through the mapped VFS.
    private static func mappedFilename(_ path: String) -> String? {
        guard let mappedVFS else { return nil }
        return "file://\(uriEncoded(URL(fileURLWithPath: path).path))?vfs=\(mappedVFS)"
    }

    /// `path` with every byte but letters, digits, `-._~` and `/` written `%HH`: SQLite decodes
    /// them, and a bare `?` would start the query and `#` a fragment.
    private static func uriEncoded(_ path: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var encoded = [UInt8]()
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}
