internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials

/// One seeded trial of damage and repair: a SQLite store of a few hundred records (inline, with
/// overflow pages, and in side files) is written, bits are flipped where ``Fault`` says, the store
/// is rebuilt with ``SQLiteEmbeddingStore/rebuild(at:configuration:)``, and what it serves is
/// compared with what was written.
///
/// ```swift
/// let outcome = try await RepairTrial(fault: .entryPages, seed: 7).run(in: scratch.path)
/// #expect(outcome.wrongVectors == 0 && outcome.lostUnhit == 0)
/// ```
public struct RepairTrial: Sendable, CustomStringConvertible {
    /// Where bits are flipped.
    public enum Fault: String, CaseIterable, Sendable {
        /// The 100-byte file header.
        case header
        /// Pages of the `entry` table: interior, leaf and overflow pages.
        case entryPages = "entry pages"
        /// Pages of the indexes.
        case indexPages = "index pages"
        /// The `namespace` table's pages.
        case namespacePages = "namespace pages"
        /// Side files of large records.
        case sideFiles = "side files"
        /// Anywhere in the database file.
        case anywhere = "whole file"
    }

    /// Where bits are flipped.
    public var fault: Fault
    /// The seed of the records' choice and of the flips.
    public var seed: UInt64
    /// Records written, in two namespaces.
    public var records = 300

    /// Creates a trial.
    ///
    /// - Parameters:
    ///   - fault: Where bits are flipped.
    ///   - seed: The seed of the flips.
    public init(fault: Fault, seed: UInt64) {
        self.fault = fault
        self.seed = seed
    }

    /// The fault and the seed, such as `entry pages, seed 7`.
    public var description: String { "\(fault.rawValue), seed \(seed)" }

    /// The two namespaces records alternate between, written in this order.
    private static let namespaces = [Fixtures.namespace, Namespace(model: "test/model@2", preprocessing: "identity")]

    /// Payloads of at least this many bytes go to side files in the trial's store.
    static let sideFileThreshold = 64 << 10

    /// Runs the trial in `folder`, which must be empty and is left holding its files.
    ///
    /// - Returns: What was flipped, kept, dropped and served.
    /// - Throws: When the harness cannot write or map the store; the repair's own failure is an
    ///   outcome, not an error.
    public func run(in folder: String) async throws -> RepairTrialOutcome {
        let path = "\(folder)/cache.sqlite"
        var configuration = SQLiteEmbeddingStore.Configuration()
        configuration.sideFileThreshold = Self.sideFileThreshold
        // A fixed clock, so that every run of a seed writes the same bytes to the same pages.
        configuration.now = { Date(timeIntervalSince1970: 1_800_000_000) }
        let written = entries()
        try await write(written, to: path, configuration)
        let map = try RecordPages(path: path)
        var generator = SplitMix64(seed: seed)
        var damage = try Damage(path: path, map: map)
        damage.inject(fault, using: &generator)
        var outcome = RepairTrialOutcome(records: written.count, faults: damage.flips)
        let unhit = Set(written.map(\.key).filter { !damage.hits($0, map) })
        outcome.unhit = unhit.count
        do {
            let report = try SQLiteEmbeddingStore.rebuild(at: path, configuration: configuration)
            (outcome.kept, outcome.dropped) = (report.kept, report.dropped)
            try await check(written, unhit: unhit, at: path, configuration, into: &outcome)
        } catch {
            outcome.failure = String(describing: error)
        }
        return outcome
    }

    /// The records: mostly 384 float32 values inline, every tenth 4096 (overflow pages), every
    /// twenty-fifth 32 768 (a side file), alternating between two namespaces.
    private func entries() -> [(key: RecordPages.Key, entry: StoreEntry)] {
        (0..<records).map { index in
            let namespace = Self.namespaces[index % 2]
            let dimension = index % 25 == 0 ? 32768 : index % 10 == 0 ? 4096 : 384
            let entry = Fixtures.entry(seed: seed &* 1000 &+ UInt64(index), dimension: dimension, in: namespace)
            return (RecordPages.Key(namespace: namespace, digest: entry.digest), entry)
        }
    }

    private func write(
        _ written: [(key: RecordPages.Key, entry: StoreEntry)],
        to path: String,
        _ configuration: SQLiteEmbeddingStore.Configuration
    ) async throws {
        let store = try SQLiteEmbeddingStore(path: path, configuration: configuration)
        for namespace in Self.namespaces {
            try await store.put(written.filter { $0.key.namespace == namespace }.map(\.entry), in: namespace)
        }
    }

    /// Opens the rebuilt store, checks its structure and every record it holds, and compares what
    /// it serves with what was written.
    private func check(
        _ written: [(key: RecordPages.Key, entry: StoreEntry)],
        unhit: Set<RecordPages.Key>,
        at path: String,
        _ configuration: SQLiteEmbeddingStore.Configuration,
        into outcome: inout RepairTrialOutcome
    ) async throws {
        let store = try SQLiteEmbeddingStore(path: path, configuration: configuration)
        try await store.checkStructure()
        for (key, entry) in written {
            let served = try await store.records(for: [key.digest], in: key.namespace)[0]
            guard let served else {
                if unhit.contains(key) { outcome.lostUnhit += 1 }
                continue
            }
            let opens = RecordChecksum(namespace: key.namespace).open(served, digest: key.digest) != nil
            if served != entry.record || !opens { outcome.wrongVectors += 1 }
        }
        outcome.opened = true
    }
}

/// What one ``RepairTrial`` found.
public struct RepairTrialOutcome: Sendable {
    /// Records written.
    public var records: Int
    /// Bits flipped.
    public var faults: Int
    /// Records none of whose pages, side file or namespace row page was flipped.
    public var unhit = 0
    /// Records the rebuild kept.
    public var kept = 0
    /// Records the rebuild found damaged and dropped.
    public var dropped = 0
    /// Unhit records the repaired store does not serve (must be 0).
    public var lostUnhit = 0
    /// Records served that differ from what was written for their key (must be 0).
    public var wrongVectors = 0
    /// Whether the repaired store opened and passed its structure check.
    public var opened = false
    /// Why the repair or the check failed, when it did.
    public var failure: String?
}
