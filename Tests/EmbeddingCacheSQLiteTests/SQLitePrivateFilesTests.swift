internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Foundation
internal import Testing

/// Everything the SQLite store creates is its owner's only: the folders 0700, the database, its
/// write-ahead log, its shared memory and its side files 0600.
struct SQLitePrivateFilesTests {
    /// The permission bits of `path`, without following a symbolic link.
    static func mode(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_mode & 0o777) : nil
    }

    @Test func theStoreCreatesOwnerOnlyFilesAndFolders() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store { $0.sideFileThreshold = 4096 }
        try await store.put(
            [Fixtures.entry(seed: 1, dimension: 16), Fixtures.entry(seed: 2, dimension: 4096)],
            in: Fixtures.namespace
        )
        let database = folder.databasePath
        #expect(Self.mode("\(folder.path)/store") == 0o700)
        #expect(Self.mode("\(database).blobs") == 0o700)
        for path in [database, "\(database)-wal", "\(database)-shm"] {
            #expect(Self.mode(path) == 0o600, "\(path)")
        }
        let sideFiles = try FileManager.default.contentsOfDirectory(atPath: "\(database).blobs")
        #expect(sideFiles.count == 1)
        for name in sideFiles { #expect(Self.mode("\(database).blobs/\(name)") == 0o600, "\(name)") }
        _ = store
    }

    @Test func anExistingFolderKeepsItsMode() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(
            atPath: "\(folder.path)/store",
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o755]
        )
        _ = try folder.store()
        #expect(Self.mode("\(folder.path)/store") == 0o755)
        #expect(Self.mode(folder.databasePath) == 0o600)
    }
}
