public import EmbeddingCache
import EmbeddingCacheEncoders
import FoundationEssentials

/// The files of a churn simulation in a working folder, changed from cycle to cycle.
///
/// Cycle 0 is the sources as given. Each later cycle churns a fraction of the files, chosen at
/// random: re-saved losslessly or lossily in place, renamed, or edited in place (``ChurnKind``).
/// The other files stay byte for byte as they were. Every choice comes from the seed, so the same
/// seed replays the same workload, which is how every strategy sees the same files.
///
/// ```swift
/// var workload = try await WorkloadFolder.create(from: sources, in: "/tmp/work", churn: .init())
/// for cycle in 1..<30 { try await workload.churn(cycle: cycle); use(workload.inputs) }
/// ```
public struct WorkloadFolder: Sendable {
    /// How files churn.
    public struct Churn: Sendable, Hashable {
        /// The fraction of files changed per cycle, 0 to 1.
        public var fraction = 0.2
        /// How they change.
        public var kind = ChurnKind.lossless
        /// The seed of every random choice.
        public var seed: UInt64 = 1

        /// The defaults: 20 % lossless re-saves per cycle, seed 1.
        public init() {}
    }

    /// The files, in the order of the sources.
    public private(set) var items: [WorkloadItem]
    /// The working folder.
    public let root: String
    /// How files churn.
    public let churn: Churn
    private var generator: SplitMix64

    /// The files as cache inputs, in order.
    public var inputs: [EmbeddingInput] { items.map { .file($0.path) } }

    /// Writes every source into `root` (cycle 0), on every core.
    ///
    /// - Parameters:
    ///   - sources: The files to start from.
    ///   - root: The working folder; created when absent.
    ///   - churn: How files will churn.
    /// - Returns: The workload at cycle 0.
    /// - Throws: ``EmbeddingCacheError`` naming the source or path that could not be read or written.
    public static func create(
        from sources: [WorkloadSource],
        in root: String,
        churn: Churn
    ) async throws -> WorkloadFolder {
        let paths = sources.map { root + "/" + $0.name }
        let written = await ConcurrentMap.map(
            count: sources.count,
            workers: ProcessInfo.processInfo.activeProcessorCount
        ) {
            index in
            Result { () throws(EmbeddingCacheError) in
                let bytes = try sources[index].loadBytes()
                try SimulationFiles.write(bytes, to: paths[index])
            }
        }
        for result in written { try result.get() }
        let items = zip(sources, paths).map { WorkloadItem(path: $1, name: $0.name, group: $0.group) }
        return WorkloadFolder(items: items, root: root, churn: churn, generator: SplitMix64(seed: churn.seed))
    }

    /// Changes the files for `cycle`: `fraction × count` files (rounded), chosen at random.
    ///
    /// - Parameter cycle: The cycle starting, from 1.
    /// - Throws: ``EmbeddingCacheError`` naming a file that cannot be changed (such as a file that
    ///   is not a PNG or JPEG image under a kind that re-saves it).
    public mutating func churn(cycle: Int) async throws {
        let count = Int((churn.fraction * Double(items.count)).rounded())
        var order = Array(items.indices)
        order.shuffle(using: &generator)
        var plan: [(index: Int, kind: ChurnKind, seed: UInt64)] = []
        for index in order.prefix(count).sorted() {
            let kind = churn.kind == .mixed ? ChurnKind.concrete.randomElement(using: &generator)! : churn.kind
            plan.append((index, kind, generator.next()))
        }
        let (current, steps) = (items, plan)
        let paths = await ConcurrentMap.map(count: steps.count, workers: ProcessInfo.processInfo.activeProcessorCount) {
            step in
            let (index, kind, seed) = steps[step]
            return Result { () throws(EmbeddingCacheError) in
                try Self.apply(kind, to: current[index], cycle: cycle, seed: seed)
            }
        }
        for (step, path) in zip(plan, paths) { items[step.index].path = try path.get() }
    }

    /// Applies one change and returns the file's path afterwards.
    private static func apply(
        _ kind: ChurnKind,
        to item: WorkloadItem,
        cycle: Int,
        seed: UInt64
    ) throws(EmbeddingCacheError) -> String {
        if kind == .rename {
            let renamed = renamedPath(item, cycle: cycle)
            try SimulationFiles.move(item.path, to: renamed)
            return renamed
        }
        let bytes = try EmbeddingInput.file(item.path).load().bytes
        let changed: Data
        do throws(EmbeddingCacheError) {
            switch kind {
            case .lossless:
                changed = try ImageChurn.resavedLosslessly(bytes, label: item.path, cycle: cycle, seed: seed)
            case .lossy: changed = try ImageChurn.resavedLossily(bytes, label: item.path, seed: seed)
            default: changed = try ImageChurn.edited(bytes, label: item.path, seed: seed)
            }
        } catch {
            throw EmbeddingCacheError(
                error.code,
                "cannot churn '\(item.path)' (\(kind.rawValue)): \(error.message)",
                input: item.path,
                underlying: error
            )
        }
        try SimulationFiles.write(changed, to: item.path)
        return item.path
    }

    /// The item's original name with `-renamed-<cycle>` before its extension.
    private static func renamedPath(_ item: WorkloadItem, cycle: Int) -> String {
        let folder = item.path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let file = item.name.split(separator: "/").last.map(String.init) ?? item.name
        let dot = file.lastIndex(of: ".") ?? file.endIndex
        return folder + "/" + file[..<dot] + "-renamed-\(cycle)" + file[dot...]
    }
}
