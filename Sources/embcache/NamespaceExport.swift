import EmbeddingCache
import Foundation

/// Writes one whole namespace as safetensors shards (tensors named `<digest hex>/<tensor name>`)
/// plus `index.json`, paging through the store so memory stays bounded.
struct NamespaceExport {
    /// Records per store page.
    static let pageSize = 512
    /// A shard is closed once it holds this many tensor bytes.
    static let shardBytes = 256 << 20

    let store: any EmbeddingStore
    let namespace: Namespace
    let out: String

    /// What the export wrote: the `--json` object.
    struct Report: Encodable {
        var namespace: NamespaceReport
        var records = 0
        var corrupt = 0
        var files = 0
        var tensorBytes = 0
        var out: String
    }

    /// Exports every verified record; corrupt ones are counted and left out.
    ///
    /// - Throws: ``EmbeddingCacheError`` when the store fails, ``OutputError`` when a file cannot
    ///   be written.
    func run() async throws -> Report {
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
