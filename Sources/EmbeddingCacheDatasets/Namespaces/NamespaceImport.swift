public import EmbeddingCache
public import Foundation

/// Loads a namespace written by ``NamespaceExport`` into a store.
///
/// Every record is rebuilt with its tensors in their original order, re-sealed, and checked
/// against the checksum recorded at export, so a record damaged in transit is counted as corrupt
/// and not stored. Records are stored in batches; records already present are replaced by
/// identical ones. Checksums detect damage, not forgery: import only folders you trust.
///
/// ```swift
/// let load = try NamespaceImport(folder: "moved")
/// let report = try await load.run(into: store, storeName: "other.sqlite") { print($0) }
/// print(report.imported, "of", report.records)
/// ```
public struct NamespaceImport: Sendable {
    /// Records per store transaction.
    public static let batchSize = 256

    /// The export folder.
    public let folder: URL
    /// Its `index.json`.
    public let index: NamespaceIndex
    /// The namespace the records are stored under.
    public let namespace: Namespace

    /// What the import did.
    public struct Report: Encodable, Sendable {
        /// The imported namespace.
        public var namespace: NamespaceReport
        /// Records the index lists.
        public var records = 0
        /// Records stored.
        public var imported = 0
        /// Records left out: a tensor missing, a checksum that differs, an unreadable shard.
        public var corrupt = 0
        /// The store, as the import was told to name it.
        public var store: String
    }

    /// Reads and checks the folder's index.
    ///
    /// - Parameters:
    ///   - folder: A folder written by ``NamespaceExport``.
    ///   - pattern: When given, the folder must hold a namespace it names.
    /// - Throws: ``EmbeddingCacheError`` `.invalidInput` naming the index when it is unreadable or
    ///   malformed, names an unknown storage policy, holds another namespace than `pattern`, or
    ///   lists a shard outside the folder.
    public init(folder: String, expecting pattern: NamespacePattern? = nil) throws {
        self.folder = URL(fileURLWithPath: folder)
        let indexURL = self.folder.appendingPathComponent(NamespaceIndex.fileName)
        do {
            index = try JSONDecoder().decode(NamespaceIndex.self, from: Data(contentsOf: indexURL))
        } catch {
            throw EmbeddingCacheError(
                .invalidInput,
                "\(indexURL.path) is not a namespace export index",
                underlying: error
            )
        }
        namespace = try index.checked(at: indexURL.path, expecting: pattern)
    }

    /// Stores every record of the shards the index names, in batches, counting the corrupt ones.
    ///
    /// An unreadable or malformed shard is named through `problem` and its records are counted as
    /// corrupt; the other shards are imported.
    ///
    /// - Parameters:
    ///   - store: The store to write.
    ///   - storeName: How the report names the store.
    ///   - progress: Called with the number of records done so far, out of the index's.
    ///   - problem: Called with a message for each corrupt record and unreadable shard.
    /// - Returns: The counts.
    /// - Throws: The store's error.
    public func run(
        into store: any EmbeddingStore,
        storeName: String,
        progress: (Int) -> Void = { _ in },
        problem: (String) -> Void
    ) async throws -> Report {
        let checksum = RecordChecksum(namespace: namespace)
        var report = Report(namespace: index.namespace, store: storeName)
        let byShard = Dictionary(grouping: index.records, by: \.shard)
        let listed = Set(index.shards)
        for entry in index.records where !listed.contains(entry.shard) {
            report.records += 1
            report.corrupt += 1
            problem("corrupt: \(entry.digest) names the shard '\(entry.shard)', which index.json does not list")
        }
        for shard in index.shards {
            let path = folder.appendingPathComponent(shard).path
            let tensors: [String: Tensor]
            do {
                // Read, never mapped: a shard truncated while it is read gives an error, not SIGBUS.
                let file = try SafetensorsReader(data: Data(contentsOf: URL(fileURLWithPath: path)))
                tensors = Dictionary(file.tensors, uniquingKeysWith: { first, _ in first })
            } catch {
                // The shard's records are corrupt; the other shards are imported all the same.
                let reason = (error as? EmbeddingCacheError)?.message ?? "\(error)"
                problem("cannot read the shard \(path): \(reason)")
                tensors = [:]
            }
            var batch = [StoreEntry]()
            for entry in byShard[shard] ?? [] {
                report.records += 1
                if let sealed = Self.seal(entry, tensors, checksum) {
                    batch.append(sealed)
                } else {
                    report.corrupt += 1
                    problem("corrupt: \(entry.digest) in \(path)")
                }
                if batch.count == Self.batchSize {
                    try await store.put(batch, in: namespace)
                    report.imported += batch.count
                    batch.removeAll(keepingCapacity: true)
                }
                progress(report.records)
            }
            if !batch.isEmpty {
                try await store.put(batch, in: namespace)
                report.imported += batch.count
            }
        }
        return report
    }

    /// Rebuilds and re-seals one record; `nil` when a tensor is missing or the checksum differs.
    private static func seal(
        _ entry: NamespaceIndex.Record,
        _ tensors: [String: Tensor],
        _ checksum: RecordChecksum
    ) -> StoreEntry? {
        guard let digest = ContentDigest(hex: entry.digest) else { return nil }
        var parts = [(name: String, tensor: Tensor)]()
        for name in entry.tensors {
            guard let tensor = tensors["\(entry.digest)/\(name)"] else { return nil }
            parts.append((name, tensor))
        }
        guard let record = try? TensorRecord(parts) else { return nil }
        let sealed = checksum.seal(record, digest: digest)
        return sealed.checksum == entry.checksum ? StoreEntry(digest: digest, record: sealed) : nil
    }
}
