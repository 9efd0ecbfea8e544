import EmbeddingCache

/// `index.json` of a namespace export: the namespace, its shards, and per record its digest, shard,
/// tensor names in order and checksum.
struct NamespaceIndex: Codable {
    /// One exported record.
    struct Record: Codable {
        /// The content digest, 64 hexadecimal characters.
        var digest: String
        /// The shard holding its tensors, named `<digest>/<tensor name>`.
        var shard: String
        /// Its tensor names, in record order.
        var tensors: [String]
        /// The ``RecordChecksum`` of the record under its namespace and digest; import checks it.
        var checksum: UInt32
    }

    var namespace: NamespaceReport
    var shards: [String]
    var records: [Record]

    /// The file's name inside the export folder.
    static let fileName = "index.json"
}
