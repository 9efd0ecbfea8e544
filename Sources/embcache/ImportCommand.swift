import ArgumentParser
import EmbeddingCache
import Foundation

/// `embcache import DIR`: loads a namespace written by `embcache export --namespace` into the store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a namespace exported with export --namespace into the store.",
        discussion: """
            Reads DIR/index.json and the shards it names, rebuilds every record with its tensors in \
            their original order, re-seals it and checks the checksum recorded at export, so a record \
            damaged in transit is counted as corrupt and not stored. Records are stored in batches; \
            records already present are replaced by identical ones. A folder holds one namespace; \
            with --namespace, a folder holding another one is refused. Checksums detect damage, not \
            forgery: import only folders you trust.

            Exit codes: 0 every record imported; 1 the folder is not an export, holds another namespace \
            than --namespace, or the store cannot be written; 2 usage error; 3 some records were corrupt (the others are imported).

            Example:
              embcache import moved --store other.sqlite --json
            """
    )

    @Argument(help: ArgumentHelp("A folder written by export --namespace.", valueName: "dir"))
    var directory: String

    @Option(
        help: ArgumentHelp(
            "Import only if the folder holds this namespace; refuse it otherwise.",
            valueName: "model[|preprocessing[|storage]]"
        )
    )
    var namespace: NamespacePattern?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    /// Records per store transaction.
    private static let batchSize = 256

    /// What the import did: the `--json` object.
    struct Report: Encodable {
        var namespace: NamespaceReport
        var records = 0
        var imported = 0
        var corrupt = 0
        var store: String
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: directory)
        let indexURL = folder.appendingPathComponent(NamespaceIndex.fileName)
        let index: NamespaceIndex
        do {
            index = try JSONDecoder().decode(NamespaceIndex.self, from: Data(contentsOf: indexURL))
        } catch {
            throw EmbeddingCacheError(
                .invalidInput,
                "\(indexURL.path) is not a namespace export index",
                underlying: error
            )
        }
        let namespace = try index.checked(at: indexURL.path, expecting: self.namespace)
        let report = try await storeOptions.withStore { store in
            try await load(index, namespace: namespace, from: folder, into: store)
        }
        if json {
            try JSONReport.print(report)
        } else {
            StandardError.print("imported \(report.imported) of \(report.records) records (\(report.corrupt) corrupt)")
        }
        if report.corrupt > 0 { throw ExitCode.someInputsFailed }
    }

    /// Stores every record of the shards `index` names, in batches, counting the corrupt ones.
    ///
    /// An unreadable or malformed shard is named on standard error and its records are counted as
    /// corrupt; the other shards are imported.
    ///
    /// - Throws: The store's error.
    private func load(
        _ index: NamespaceIndex,
        namespace: Namespace,
        from folder: URL,
        into store: any EmbeddingStore
    ) async throws -> Report {
        let checksum = RecordChecksum(namespace: namespace)
        var report = Report(namespace: index.namespace, store: storeOptions.displayName)
        let byShard = Dictionary(grouping: index.records, by: \.shard)
        let progress = ProgressBar(total: index.records.count)
        defer { progress.finish() }
        let listed = Set(index.shards)
        for entry in index.records where !listed.contains(entry.shard) {
            report.records += 1
            report.corrupt += 1
            StandardError.print(
                "embcache: corrupt: \(entry.digest) names the shard '\(entry.shard)', which index.json does not list"
            )
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
                StandardError.print("embcache: cannot read the shard \(path): \(reason)")
                tensors = [:]
            }
            var batch = [StoreEntry]()
            for entry in byShard[shard] ?? [] {
                report.records += 1
                if let sealed = Self.seal(entry, tensors, checksum) {
                    batch.append(sealed)
                } else {
                    report.corrupt += 1
                    StandardError.print("embcache: corrupt: \(entry.digest) in \(path)")
                }
                if batch.count == Self.batchSize {
                    try await store.put(batch, in: namespace)
                    report.imported += batch.count
                    batch.removeAll(keepingCapacity: true)
                }
                progress.update(report.records)
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
