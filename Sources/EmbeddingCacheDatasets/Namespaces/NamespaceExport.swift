public import EmbeddingCache
import Foundation

/// Writes one whole namespace as safetensors shards (tensors named `<digest hex>/<tensor name>`)
/// plus `index.json`, paging through the store so memory stays bounded.
///
/// ```swift
/// let report = try await NamespaceExport(store: store, namespace: namespace, out: "moved").run()
/// print(report.records, "records,", report.corrupt, "corrupt left out")
/// ```
public struct NamespaceExport: Sendable {
    /// Records per store page.
    public static let pageSize = 512
    /// A shard is closed once it holds this many tensor bytes.
    public static let shardBytes = 256 << 20

    /// The store to read.
    public let store: any EmbeddingStore
    /// The namespace to export.
    public let namespace: Namespace
    /// The folder to write.
    public let out: String

    /// Prepares an export.
    ///
    /// - Parameters:
    ///   - store: The store to read.
    ///   - namespace: The namespace to export.
    ///   - out: The folder to write (created, owner-only, when absent).
    public init(store: any EmbeddingStore, namespace: Namespace, out: String) {
        self.store = store
        self.namespace = namespace
        self.out = out
    }

    /// The one namespace of `store` that `pattern` names: the namespace an export of it writes.
    ///
    /// - Parameters:
    ///   - pattern: The pattern, such as `model|preprocessing|storage`.
    ///   - store: The store to search.
    /// - Returns: The namespace.
    /// - Throws: ``EmbeddingCacheError`` `.invalidArgument` when the pattern names no namespace or
    ///   several; the store's error.
    public static func namespace(
        matching pattern: NamespacePattern,
        in store: any EmbeddingStore
    ) async throws
        -> Namespace
    {
        let matches = NamespacePattern.namespaces(matching: [pattern], in: try await store.statistics())
        guard matches.count == 1 else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "--namespace '\(pattern)' matches \(matches.count) namespaces; name exactly one (see embcache stats)"
            )
        }
        return matches[0]
    }

    /// What the export wrote.
    public struct Report: Encodable, Sendable {
        /// The exported namespace.
        public var namespace: NamespaceReport
        /// Records written.
        public var records = 0
        /// Records that failed verification, left out.
        public var corrupt = 0
        /// Shard files written.
        public var files = 0
        /// Tensor bytes written.
        public var tensorBytes = 0
        /// The folder written.
        public var out: String
    }

    /// Exports every verified record; corrupt ones are counted and left out.
    ///
    /// - Returns: What was written.
    /// - Throws: ``EmbeddingCacheError`` when the store fails, ``OutputError`` when a file cannot
    ///   be written.
    public func run() async throws -> Report {
        try PrivateFiles.createFolder(out)
        let checksum = RecordChecksum(namespace: namespace)
        var report = Report(namespace: NamespaceReport(namespace), out: out)
        var index = NamespaceIndex(namespace: report.namespace, shards: [], records: [])
        var shard = [(name: String, tensor: Tensor)]()
        var shardBytes = 0
        var after: ContentDigest?
        while true {
            let page = try await store.entries(in: namespace, after: after, limit: Self.pageSize)
            guard let last = page.last else { break }
            after = last.digest
            for entry in page {
                guard let record = checksum.open(entry.record, digest: entry.digest) else {
                    report.corrupt += 1
                    continue
                }
                let hex = entry.digest.hex
                shard += record.tensors.map { ("\(hex)/\($0.name)", $0.tensor) }
                shardBytes += record.byteCount
                index.records.append(
                    .init(
                        digest: hex,
                        shard: shardName(index.shards.count),
                        tensors: record.names,
                        checksum: entry.record.checksum
                    )
                )
                report.records += 1
                report.tensorBytes += record.byteCount
                if shardBytes >= Self.shardBytes { try flush(&shard, &shardBytes, &index) }
            }
        }
        try flush(&shard, &shardBytes, &index)
        report.files = index.shards.count
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try OutputFile.write(
            encoder.encode(index),
            to: URL(fileURLWithPath: out).appendingPathComponent(NamespaceIndex.fileName).path
        )
        return report
    }

    private func shardName(_ number: Int) -> String { String(format: "shard-%05d.safetensors", number) }

    private func flush(
        _ shard: inout [(name: String, tensor: Tensor)],
        _ bytes: inout Int,
        _ index: inout NamespaceIndex
    ) throws {
        guard !shard.isEmpty else { return }
        let name = shardName(index.shards.count)
        try SafetensorsFile.write(shard, to: (out as NSString).appendingPathComponent(name))
        index.shards.append(name)
        shard.removeAll(keepingCapacity: true)
        bytes = 0
    }
}
