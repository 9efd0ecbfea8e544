internal import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Entry.Columns

    private static let referencedSQL = """
        SELECT 1 FROM \(Schema.Entry.table)
        WHERE \(Columns.namespaceID) = ?1 AND \(Columns.digest) = ?2 AND \(Columns.checksum) = ?3
            AND \(Schema.Entry.inSideFile)
        """

    /// Removes side files no row references, once older than ``Configuration/orphanAge``, and puts
    /// back files a crashed removal left aside while a row still references them.
    ///
    /// Runs in one write transaction, so no row can start or stop referencing a file meanwhile.
    /// Orphans come from processes killed between writing a side file and committing its row, or
    /// between a removal's commit and its deleting the files it moved aside.
    ///
    /// - Returns: The number of files removed.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func sweepOrphans() async throws -> Int {
        let sideFiles = self.sideFiles
        let cutoff = configuration.now().addingTimeInterval(-configuration.orphanAge.seconds)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: sideFiles.directory) else { return 0 }
        return try await access("sweep the side files of") {
            try await pool.write { db in
                let referenced = try RawStatement(db, sql: Self.referencedSQL)
                let isReferenced = { (name: String) throws -> Bool in
                    guard let key = SideFiles.parse(name) else { return false }
                    referenced.bind(key.namespaceID, at: 1)
                    referenced.bind(Int64(key.checksum), at: 3)
                    return try referenced.with(key.digest, at: 2) {
                        defer { referenced.reset() }
                        return try referenced.step()
                    }
                }
                var removed = 0
                for name in names {
                    let path = sideFiles.path(of: name)
                    if name.hasPrefix(SideFiles.asidePrefix) {
                        let original = String(name.dropFirst(SideFiles.asidePrefix.count).prefix { $0 != "." })
                        if try isReferenced(original), !sideFiles.exists(original) {
                            rename(path, sideFiles.path(of: original))
                        } else if unlink(path) == 0 {
                            removed += 1
                        }
                    } else if SideFiles.modified(path) < cutoff, try !isReferenced(name), unlink(path) == 0 {
                        removed += 1
                    }
                }
                return removed
            }
        }
    }
}

extension SideFiles {
    /// The key a side file's name carries, or `nil` for a name that is not a side file's (such as a
    /// temporary file being written).
    static func parse(_ name: String) -> (namespaceID: Int64, digest: ContentDigest, checksum: UInt32)? {
        let parts = name.split(separator: "-")
        guard parts.count == 3, let namespaceID = Int64(parts[0]), let checksum = UInt32(parts[2], radix: 16),
            let digest = ContentDigest(hex: String(parts[1]))
        else { return nil }
        return (namespaceID, digest, checksum)
    }

    /// When the file at `path` was last modified; the distant past when it cannot be read.
    static func modified(_ path: String) -> Date {
        var status = stat()
        guard stat(path, &status) == 0 else { return .distantPast }
        return Date(timeIntervalSince1970: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
    }
}
