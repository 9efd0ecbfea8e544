internal import FoundationEssentials
internal import GRDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Who holds a lease in the `claim` table: a store instance, on a host, in a process.
///
/// A lease whose holder's process has died on this host is free at once, so a run that follows a
/// crash (kill -9, a power cut of the process, Ctrl-C before the leases were released) does not
/// wait for the lease to expire. A lease held on another host (a store on a shared file system)
/// is trusted until it expires, since its process cannot be checked from here.
struct LeaseHolder: Sendable {
    /// 16 random bytes naming the store instance.
    let id: Data
    /// This machine's host name.
    let host: String
    /// This process's id.
    let pid: Int64

    /// A new holder for a store instance in this process.
    init() {
        id = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        host = Self.hostName()
        pid = Int64(getpid())
    }

    /// The SQL function the claim statement calls: whether the process with the id it is given
    /// still exists on this host (a process of another user counts as alive).
    static let processAlive = DatabaseFunction("embcache_process_alive", argumentCount: 1, pure: false) { values in
        guard let pid = Int64.fromDatabaseValue(values[0]), let id = pid_t(exactly: pid), id > 0 else { return true }
        return kill(id, 0) == 0 || errno == EPERM
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
