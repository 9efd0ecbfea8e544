public import EmbeddingCache
import Foundation

/// Handshakes of workers that name the files their identity comes from, remembered so that a run
/// whose inputs are all cached does not start the worker at all.
///
/// A handshake is remembered for one worker command line, working directory and environment, with
/// the SHA-256 of every file it depends on: the files its `identity_files` names, and every word of
/// the command line that names a file (the worker's script). It is recalled only while all of
/// those are unchanged, each file hashed again (or, with a ``StatMemo``, taken from the memo while
/// its device, inode, size and times are unchanged). A handshake that names no files is never
/// remembered: such a worker is always started.
///
/// A handshake is remembered only when none of its files changed in the ``racyMargin`` before
/// the worker was launched or at any time after: the digests are then of the bytes the worker read.
///
/// The worker recalled this way starts at the first miss, and must then state the same
/// handshake; if it does not, its identity depends on something the memo does not cover, the
/// entry is forgotten and the call fails with ``EmbeddingCacheError/Code/encoderIdentityChanged``.
///
/// The memo is a JSON file private to its user on this machine, replaced in one step on each
/// change; an unreadable one is treated as empty.
public final class WorkerHandshakeMemo: Sendable {
    /// The file the memo is kept in.
    public let path: String
    /// Where file digests come from under `--trust-stat`; `nil` to hash every file.
    public let statMemo: StatMemo?
    /// How long before the worker's launch its files must have been left unchanged.
    public let racyMargin: Duration

    /// The most handshakes kept; the oldest are dropped past it.
    static let maximumEntries = 256
    /// Variables that change between shells without changing what a worker does.
    static let volatileVariables: Set<String> = ["_", "OLDPWD", "SHLVL", "COLUMNS", "LINES"]

    /// Opens the memo kept at `path` (read at each use, so processes share it).
    ///
    /// - Parameters:
    ///   - path: The memo's file; created at the first handshake remembered.
    ///   - statMemo: Where file digests come from, or `nil` to hash every file each time.
    ///   - racyMargin: How long before the launch files must have been left unchanged.
    public init(path: String, statMemo: StatMemo? = nil, racyMargin: Duration = StatMemo.defaultRacyMargin) {
        self.path = path
        self.statMemo = statMemo
        self.racyMargin = racyMargin
    }

    /// The remembered handshake of `command`, if the command line, working directory, environment
    /// and every file it depends on are what they were when it was remembered.
    ///
    /// - Parameter command: The worker's command line.
    /// - Returns: The handshake, or `nil` when none is remembered or anything changed.
    func recall(_ command: WorkerCommand) -> WorkerHandshake? {
        let key = Key(command)
        guard let entry = readEntries().first(where: { $0.key == key }), (try? entry.handshake.check(command)) != nil
        else { return nil }
        for file in entry.files {
            guard let digest = try? digest(ofFileAt: file.path), digest.hex == file.sha256 else { return nil }
        }
        return entry.handshake
    }

    /// Remembers the handshake a worker stated, when it names files and none changed since shortly
    /// before the worker was launched.
    ///
    /// A memo that cannot be written costs only a worker start later, so failures are ignored.
    ///
    /// - Parameters:
    ///   - handshake: What the worker stated.
    ///   - command: The worker's command line.
    ///   - launched: When the worker was launched, in nanoseconds since 1970.
    func remember(_ handshake: WorkerHandshake, of command: WorkerCommand, launched: Int64) {
        guard !handshake.identityFiles.isEmpty else { return }
        let paths = Self.files(of: handshake, command: command)
        let settledBefore = launched - racyMargin.nanoseconds
        var files = [Entry.File]()
        for path in paths {
            guard let before = FileIdentity(ofFileAt: path), before.modified < settledBefore,
                before.changed < settledBefore, let digest = try? digest(ofFileAt: path),
                FileIdentity(ofFileAt: path) == before
            else { return }
            files.append(Entry.File(path: path, sha256: digest.hex))
        }
        let key = Key(command)
        var entries = readEntries().filter { $0.key != key }
        entries.append(Entry(key: key, handshake: handshake, files: files))
        write(entries.suffix(Self.maximumEntries))
    }

    /// Forgets the handshake of `command`.
    ///
    /// - Parameter command: The worker's command line.
    func forget(_ command: WorkerCommand) {
        let key = Key(command)
        let entries = readEntries()
        guard entries.contains(where: { $0.key == key }) else { return }
        write(entries.filter { $0.key != key }[...])
    }

    /// The absolute paths of the files a handshake depends on: its `identity_files`, then the words
    /// of the command line that name regular files, each once.
    static func files(of handshake: WorkerHandshake, command: WorkerCommand) -> [String] {
        let directory = FileManager.default.currentDirectoryPath
        let absolute = { (path: String) in path.hasPrefix("/") ? path : "\(directory)/\(path)" }
        var seen = Set<String>()
        let named = handshake.identityFiles.map(absolute)
        let commandFiles = command.arguments.map(absolute).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
        }
        return (named + commandFiles).filter { seen.insert($0).inserted }
    }

    private func digest(ofFileAt path: String) throws(EmbeddingCacheError) -> ContentDigest {
        if let statMemo { return try statMemo.digestReading(fileAt: path) }
        return try ContentDigest(ofFileAt: path)
    }

    private func readEntries() -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path),
            let file = try? JSONDecoder().decode(MemoFile.self, from: data), file.version == MemoFile.currentVersion
        else { return [] }
        return file.entries
    }

    private func write(_ entries: ArraySlice<Entry>) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(MemoFile(version: MemoFile.currentVersion, entries: Array(entries)))
        else { return }
        try? PrivateFiles.replace(path, with: [UInt8](data))
    }
}

extension WorkerHandshakeMemo {
    /// What a remembered handshake is valid for: the command line, the working directory and the
    /// environment (less ``volatileVariables``), the last as its SHA-256.
    struct Key: Codable, Hashable {
        var command: [String]
        var directory: String
        var environment: String

        init(_ command: WorkerCommand) {
            self.command = command.arguments
            directory = FileManager.default.currentDirectoryPath
            let variables = ProcessInfo.processInfo.environment
                .filter { !WorkerHandshakeMemo.volatileVariables.contains($0.key) }
                .sorted { $0.key < $1.key }
            var framed = [UInt8]()
            for (name, value) in variables {
                for text in [name, value] {
                    withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { framed += $0 }
                    framed += Array(text.utf8)
                }
            }
            environment = ContentDigest(of: framed).hex
        }
    }

    /// One remembered handshake.
    struct Entry: Codable {
        /// A file the handshake depends on, with the SHA-256 of its bytes.
        struct File: Codable {
            var path: String
            var sha256: String
        }

        var key: Key
        var handshake: WorkerHandshake
        var files: [File]
    }

    /// The memo's file.
    struct MemoFile: Codable {
        static let currentVersion = 1
        var version: Int
        var entries: [Entry]
    }
}
