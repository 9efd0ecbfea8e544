import FoundationEssentials
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The digests of files remembered by their ``FileIdentity``, so that a warm pass over unchanged
/// files skips reading and hashing them. Opt-in (``EmbeddingCache/Configuration/statMemo``).
///
/// A file is served from the memo only when its device, inode, size, modification and
/// status-change times are all what they were when its bytes were hashed. Writing a file sets its
/// status-change time, which no program can set back, so an edit, a `touch`, a same-size rewrite
/// or a file replaced by another (a new inode) is read and hashed again. As in git's "racy clean"
/// rule, a digest is not remembered when the file was modified or changed less than
/// ``racyMargin`` before it was hashed: on a file system whose timestamps are coarser than the
/// writes, a later write within the same tick would leave the identity unchanged.
///
/// The exact risk: a file whose bytes change while every one of those fields stays the same
/// (a raw write to the disk under the file system, a file system that does not keep
/// status-change times, or a clock set back by more than the margin) is served its old digest,
/// and so its old record. Without the memo every input is hashed on every pass.
///
/// The memo is kept in a file private to its user on this machine (``save()``), never in a store
/// that other hosts may share.
public final class StatMemo: Sendable {
    /// One remembered file.
    struct Entry: Sendable {
        var identity: FileIdentity
        var digest: ContentDigest
        /// When the digest was computed, in nanoseconds since 1970.
        var recorded: Int64
    }

    private struct State {
        var entries: [String: Entry]
        var served = 0
    }

    /// How long after a file's last change its digest is trusted: 2 s by default, coarser than the
    /// timestamps of any common file system.
    public static let defaultRacyMargin = Duration.seconds(2)
    /// The most files a memo file keeps; the least recently hashed go first.
    public static let maximumEntries = 4_000_000

    /// The file the memo was loaded from and is saved to; `nil` for a memo kept in memory only.
    public let path: String?
    /// Files changed less than this before they were hashed are not remembered.
    public let racyMargin: Duration
    private let now: @Sendable () -> Int64
    private let state: Mutex<State>

    /// Creates a memo, loading the file at `path` when there is one.
    ///
    /// A memo file that cannot be read or fails its checksum is ignored (every file is then
    /// hashed, as without a memo) and replaced on ``save()``.
    ///
    /// - Parameters:
    ///   - path: The memo file; `nil` keeps the memo in memory only.
    ///   - racyMargin: See ``racyMargin``.
    ///   - now: The wall-clock time in nanoseconds since 1970; the system's by default.
    public init(
        path: String? = nil,
        racyMargin: Duration = StatMemo.defaultRacyMargin,
        now: @escaping @Sendable () -> Int64 = StatMemo.wallClockNanoseconds
    ) {
        self.path = path
        self.racyMargin = racyMargin
        self.now = now
        state = Mutex(State(entries: path.flatMap(StatMemoFile.read) ?? [:]))
    }

    /// How many files the memo remembers.
    public var count: Int { state.withLock { $0.entries.count } }

    /// How many digests the memo has served so far.
    public var servedCount: Int { state.withLock { $0.served } }

    /// The remembered digest of the file at `path`, when its identity is unchanged.
    ///
    /// - Parameter path: The file.
    /// - Returns: Its digest, or `nil` when it is not remembered, changed, or cannot be statted.
    public func digest(ofFileAt path: String) -> ContentDigest? {
        guard let identity = FileIdentity(ofFileAt: path) else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[path], entry.identity == identity else { return nil }
            state.served += 1
            return entry.digest
        }
    }

    /// The digest of the file at `path`: the remembered one while its identity is unchanged, else
    /// the SHA-256 of its bytes, read now and remembered.
    ///
    /// - Parameter path: The file.
    /// - Returns: Its content digest.
    /// - Throws: ``EmbeddingCacheError`` `.inputUnreadable` naming the file when it must be read and
    ///   cannot be.
    public func digestReading(fileAt path: String) throws(EmbeddingCacheError) -> ContentDigest {
        if let digest = digest(ofFileAt: path) { return digest }
        let identity = FileIdentity(ofFileAt: path)
        let digest = try ContentDigest(ofFileAt: path)
        if let identity { remember(digest, of: identity, at: path) }
        return digest
    }

    /// Remembers the digest of the file at `path`, hashed from bytes read after its identity was
    /// taken; a racy file (changed within ``racyMargin`` of now) is not remembered.
    ///
    /// - Parameters:
    ///   - digest: The SHA-256 of the file's bytes.
    ///   - identity: The file's identity, taken before its bytes were read.
    ///   - path: The file.
    public func remember(_ digest: ContentDigest, of identity: FileIdentity, at path: String) {
        let recorded = now()
        let trustedBefore = recorded - racyMargin.nanoseconds
        guard identity.modified < trustedBefore, identity.changed < trustedBefore else { return }
        state.withLock { $0.entries[path] = Entry(identity: identity, digest: digest, recorded: recorded) }
    }

    /// Writes the memo to its file, merged with what other processes saved there meanwhile (the
    /// latest digest of each path wins), keeping at most ``maximumEntries``; the file is replaced
    /// atomically and readable by its owner only. A memo without a path saves nothing.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` naming the file when it cannot be written.
    public func save() throws(EmbeddingCacheError) {
        guard let path else { return }
        var entries = StatMemoFile.read(path) ?? [:]
        for (file, entry) in state.withLock({ $0.entries }) where entry.recorded >= entries[file]?.recorded ?? .min {
            entries[file] = entry
        }
        if entries.count > Self.maximumEntries {
            let kept = entries.sorted { $0.value.recorded > $1.value.recorded }.prefix(Self.maximumEntries)
            entries = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
        try StatMemoFile.write(entries, to: path)
    }

    /// The system's wall-clock time in nanoseconds since 1970, the clock file timestamps use.
    @Sendable public static func wallClockNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}
