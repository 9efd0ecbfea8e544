internal import FoundationEssentials
import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Keeps recently read side files mapped, so a warm re-read of a large record costs one `stat`
/// instead of an `mmap`, the page-table setup of every page, and an `munmap`.
///
/// A mapping is reused only while the file at the path is the very file that was mapped (same
/// device, inode, size and modification time); a replaced or rewritten file is mapped afresh. Side
/// files are immutable by design, and the cache's checksum still verifies every byte of every read,
/// so a reused mapping can never serve content the file does not hold. The least recently used
/// mappings are dropped beyond a byte or entry budget; a dropped mapping stays valid for as long as
/// a record still refers to it.
final class MappedFileCache: Sendable {
    /// One read-only mapping of a whole file, unmapped when the last reference goes.
    final class Mapping: @unchecked Sendable {
        // Immutable after init; the memory is read-only and shared by every Data made from it.
        let base: UnsafeMutableRawPointer
        let count: Int
        let identity: FileIdentity

        init(base: UnsafeMutableRawPointer, count: Int, identity: FileIdentity) {
            self.base = base
            self.count = count
            self.identity = identity
        }

        deinit { munmap(base, count) }

        /// The mapped bytes, without copying; they keep the mapping alive.
        var data: Data {
            Data(bytesNoCopy: base, count: count, deallocator: .custom { _, _ in withExtendedLifetime(self) {} })
        }
    }

    /// What identifies one version of a file.
    struct FileIdentity: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int

        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int(status.st_size)
            #if canImport(Darwin)
            modifiedSeconds = Int(status.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int(status.st_mtimespec.tv_nsec)
            #else
            modifiedSeconds = Int(status.st_mtim.tv_sec)
            modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
            #endif
        }
    }

    private struct State {
        var entries: [String: (mapping: Mapping, lastUse: UInt64)] = [:]
        var uses: UInt64 = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    private let byteBudget: Int
    private let entryBudget: Int

    /// Creates an empty cache.
    ///
    /// - Parameters:
    ///   - byteBudget: The most mapped bytes kept for reuse.
    ///   - entryBudget: The most mappings kept for reuse.
    init(byteBudget: Int = 1 << 30, entryBudget: Int = 4096) {
        self.byteBudget = byteBudget
        self.entryBudget = entryBudget
    }

    /// The file's bytes, mapped read-only; empty when the file is missing, empty or unreadable.
    func data(at path: String) -> Data {
        var status = stat()
        guard stat(path, &status) == 0, status.st_size > 0 else {
            forget([path])
            return Data()
        }
        let identity = FileIdentity(status)
        let cached: Mapping? = state.withLock { state in
            guard let entry = state.entries[path], entry.mapping.identity == identity else { return nil }
            state.uses += 1
            state.entries[path]?.lastUse = state.uses
            return entry.mapping
        }
        if let cached { return cached.data }
        guard let mapping = Self.map(path) else { return Data() }
        keep(mapping, at: path)
        return mapping.data
    }

    /// Drops the mappings of files that were removed or replaced.
    func forget(_ paths: some Sequence<String>) {
        let dropped: [Mapping] = state.withLock { state in
            paths.compactMap { path in
                guard let entry = state.entries.removeValue(forKey: path) else { return nil }
                state.bytes -= entry.mapping.count
                return entry.mapping
            }
        }
        _ = dropped  // unmapped here, outside the lock, once no record refers to them
    }

    private func keep(_ mapping: Mapping, at path: String) {
        guard mapping.count <= byteBudget else { return }
        let dropped: [Mapping] = state.withLock { state in
            var dropped = [Mapping]()
            if let old = state.entries.removeValue(forKey: path) {
                state.bytes -= old.mapping.count
                dropped.append(old.mapping)
            }
            state.uses += 1
            state.entries[path] = (mapping, state.uses)
            state.bytes += mapping.count
            while state.bytes > byteBudget || state.entries.count > entryBudget {
                guard let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                state.entries.removeValue(forKey: oldest.key)
                state.bytes -= oldest.value.mapping.count
                dropped.append(oldest.value.mapping)
            }
            return dropped
        }
        _ = dropped
    }

    private static func map(_ path: String) -> Mapping? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        let count = Int(status.st_size)
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let address = mmap(nil, count, PROT_READ, flags, descriptor, 0), address != MAP_FAILED else {
            return nil
        }
        return Mapping(base: address, count: count, identity: FileIdentity(status))
    }
}
