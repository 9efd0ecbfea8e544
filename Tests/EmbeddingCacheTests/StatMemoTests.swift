import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// The stat memo serves a file's remembered digest only while the file is exactly as it was
/// hashed, and never a digest recorded for a racy file.
struct StatMemoTests {
    /// A clock a minute ahead, so files the test just wrote are old enough to be remembered.
    static let aMinuteLater: @Sendable () -> Int64 = { StatMemo.wallClockNanoseconds() + 60_000_000_000 }

    /// A scratch folder with one file, remembered by a fresh memo.
    struct Remembered {
        let scratch: ScratchDirectory
        let path: String
        let digest: ContentDigest
        let memo: StatMemo

        init(_ contents: String = "the original bytes", memoFile: String? = nil) throws {
            scratch = try ScratchDirectory(prefix: "embcache-stat-memo")
            path = scratch.url.appendingPathComponent("input.txt").path
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            digest = ContentDigest(of: Data(contents.utf8))
            memo = StatMemo(path: memoFile, now: StatMemoTests.aMinuteLater)
            memo.remember(digest, of: try #require(FileIdentity(ofFileAt: path)), at: path)
        }
    }

    @Test func anUnchangedFileIsServedItsDigest() throws {
        let file = try Remembered()
        #expect(file.memo.digest(ofFileAt: file.path) == file.digest)
        #expect(file.memo.servedCount == 1)
    }

    enum Change: String, CaseIterable, CustomStringConvertible {
        case touch, sameSizeEdit, editKeepingMtime, replacedByRename, deleted
        var description: String { rawValue }
    }

    @Test(arguments: Change.allCases)
    func aChangedFileIsNotServed(change: Change) throws {
        let file = try Remembered()
        let url = URL(fileURLWithPath: file.path)
        let manager = FileManager.default
        switch change {
        case .touch:
            try manager.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        case .sameSizeEdit:
            try Data("the changed! bytes".utf8).write(to: url)
        case .editKeepingMtime:
            // A timestamp coarser than the writes: the bytes change, the modification time does not
            // (set back to the nanosecond); only the status-change time tells.
            var status = stat()
            #expect(stat(file.path, &status) == 0)
            let handle = try FileHandle(forWritingTo: url)
            try handle.write(contentsOf: Data("THE".utf8))
            try handle.close()
            let times = [status.st_atim, status.st_mtim]
            #expect(times.withUnsafeBufferPointer { utimensat(AT_FDCWD, file.path, $0.baseAddress, 0) } == 0)
            #expect(
                FileIdentity(ofFileAt: file.path)?.modified == Int64(status.st_mtim.tv_sec) * 1_000_000_000
                    + Int64(status.st_mtim.tv_nsec)
            )
        case .replacedByRename:
            let other = file.scratch.url.appendingPathComponent("other.txt")
            try Data("the original bytes".utf8).write(to: other)
            #expect(rename(other.path, file.path) == 0)
        case .deleted:
            try manager.removeItem(at: url)
        }
        #expect(file.memo.digest(ofFileAt: file.path) == nil)
        #expect(file.memo.servedCount == 0)
    }

    @Test func aCopyIsNotServedTheOriginalsEntry() throws {
        let file = try Remembered()
        let copy = file.scratch.url.appendingPathComponent("copy.txt").path
        try FileManager.default.copyItem(atPath: file.path, toPath: copy)
        #expect(file.memo.digest(ofFileAt: copy) == nil)
    }

    @Test func aFileChangedWithinTheMarginIsNotRemembered() throws {
        let file = try Remembered()
        let now = StatMemo(now: StatMemo.wallClockNanoseconds)
        now.remember(file.digest, of: try #require(FileIdentity(ofFileAt: file.path)), at: file.path)
        #expect(now.count == 0)
        #expect(now.digest(ofFileAt: file.path) == nil)
    }

    @Test func aSavedMemoIsReadBackAndMergedWithAnotherProcesss() throws {
        let scratch = try ScratchDirectory(prefix: "embcache-stat-memo-file")
        let memoFile = scratch.url.appendingPathComponent("memo/stat-memo").path
        let first = try Remembered("first", memoFile: memoFile)
        try first.memo.save()
        let second = try Remembered("second", memoFile: memoFile)
        try second.memo.save()
        let loaded = StatMemo(path: memoFile, now: Self.aMinuteLater)
        #expect(loaded.count == 2)
        #expect(loaded.digest(ofFileAt: first.path) == first.digest)
        #expect(loaded.digest(ofFileAt: second.path) == second.digest)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: memoFile)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
    }

    @Test(arguments: ["flipped byte", "truncated", "garbage", "empty"])
    func aDamagedMemoFileIsIgnored(damage: String) throws {
        let scratch = try ScratchDirectory(prefix: "embcache-stat-memo-damage")
        let memoFile = scratch.url.appendingPathComponent("stat-memo").path
        let file = try Remembered(memoFile: memoFile)
        try file.memo.save()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: memoFile)))
        switch damage {
        case "flipped byte": bytes[bytes.count / 2] ^= 0x10
        case "truncated": bytes.removeLast(7)
        case "garbage": bytes = Array("EMBCSTAT not a memo at all, just bytes".utf8)
        default: bytes = []
        }
        try Data(bytes).write(to: URL(fileURLWithPath: memoFile))
        let loaded = StatMemo(path: memoFile, now: Self.aMinuteLater)
        #expect(loaded.count == 0)
        #expect(loaded.digest(ofFileAt: file.path) == nil)
    }

    /// Through the engine: a warm pass is served from the memo, and an edited file is read, missed
    /// and encoded from its new bytes.
    @Test func theEngineServesUnchangedFilesFromTheMemoAndEncodesEditedOnes() async throws {
        let (scratch, paths) = try FileInputRereadTests.files((0..<8).map { "input number \($0)" })
        defer { withExtendedLifetime(scratch) {} }
        let encoder = CountingEncoder()
        var configuration = EmbeddingCache.Configuration()
        configuration.statMemo = StatMemo(now: Self.aMinuteLater)
        let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder, configuration: configuration)
        _ = try await cache.records(for: paths.map(EmbeddingInput.file))
        let warm = try await cache.results(for: paths.map(EmbeddingInput.file))
        #expect(warm.counters.hits == 8 && configuration.statMemo?.servedCount == 8)
        try Data("input NUMBER 3".utf8).write(to: URL(fileURLWithPath: paths[3]))
        let edited = try await cache.results(for: paths.map(EmbeddingInput.file))
        #expect(edited.counters.hits == 7 && edited.counters.misses == 1)
        let vector = try edited.results[3].get()["embedding"]?.floatValues()
        #expect(vector == encoder.expectedVector(for: Array("input NUMBER 3".utf8)))
    }
}
