public import EmbeddingCache

/// `index.json` of a namespace export: the namespace, its shards, and per record its digest, shard,
/// tensor names in order and checksum.
///
/// ```swift
/// let index = try JSONDecoder().decode(NamespaceIndex.self, from: Data(contentsOf: url))
/// print(index.records.count, "records in", index.shards.count, "shards")
/// ```
public struct NamespaceIndex: Codable, Sendable {
    /// One exported record.
    public struct Record: Codable, Sendable {
        /// The content digest, 64 hexadecimal characters.
        public var digest: String
        /// The shard holding its tensors, named `<digest>/<tensor name>`.
        public var shard: String
        /// Its tensor names, in record order.
        public var tensors: [String]
        /// The ``RecordChecksum`` of the record under its namespace and digest; import checks it.
        public var checksum: UInt32
    }

    /// The exported namespace.
    public var namespace: NamespaceReport
    /// The shard files, in order.
    public var shards: [String]
    /// Every exported record.
    public var records: [Record]

    /// The file's name inside the export folder.
    public static let fileName = "index.json"
}
