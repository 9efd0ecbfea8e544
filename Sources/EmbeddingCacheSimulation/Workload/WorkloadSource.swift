import EmbeddingCache
public import FoundationEssentials

/// One file a workload starts from: where it goes in the working folder, its class, and how to get
/// its bytes (copied from a folder, or rendered).
public struct WorkloadSource: Sendable {
    /// Its path relative to the working folder, such as `ring/ring-03-view5.png`.
    public var name: String
    /// Its class: the synthetic class, or the folder the file came from.
    public var group: String
    /// Produces the file's bytes.
    public var bytes: @Sendable () throws -> Data

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - name: Its path relative to the working folder.
    ///   - group: Its class.
    ///   - bytes: Produces the file's bytes; called once, on any thread.
    public init(name: String, group: String, bytes: @escaping @Sendable () throws -> Data) {
        self.name = name
        self.group = group
        self.bytes = bytes
    }

    /// Produces the file's bytes, with any failure as an error naming the file.
    ///
    /// - Throws: The producer's ``EmbeddingCacheError``, or ``EmbeddingCacheError/Code/inputUnreadable``
    ///   naming ``name`` for any other error.
    func loadBytes() throws(EmbeddingCacheError) -> Data {
        do {
            return try bytes()
        } catch {
            throw error as? EmbeddingCacheError
                ?? EmbeddingCacheError(.inputUnreadable, "cannot read '\(name)'", underlying: error)
        }
    }

    /// A source copying the file at `path`, named by its path relative to `root` and grouped by
    /// its folder's name (the layout of image-classification datasets: `root/CLASS/FILE`).
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - root: The folder given on the command line, or the file itself.
    /// - Returns: The source.
    public static func file(_ path: String, below root: String) -> WorkloadSource {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let relative =
            path.hasPrefix(prefix)
            ? String(path.dropFirst(prefix.count)) : String(path.split(separator: "/").last ?? "")
        let folders = relative.split(separator: "/").dropLast()
        return WorkloadSource(name: relative, group: folders.last.map(String.init) ?? "") {
            try EmbeddingInput.file(path).load().bytes
        }
    }

    /// `count` of `sources` spread evenly, in order: every other one for half of them, so a
    /// sample of a corpus sorted by class keeps every class.
    ///
    /// - Parameters:
    ///   - sources: The sources.
    ///   - count: How many to keep; all of them when `count` is at least their number.
    /// - Returns: The sources kept.
    public static func spread(_ sources: [WorkloadSource], count: Int) -> [WorkloadSource] {
        guard count < sources.count else { return sources }
        return (0..<max(0, count)).map { sources[$0 * sources.count / count] }
    }
}
