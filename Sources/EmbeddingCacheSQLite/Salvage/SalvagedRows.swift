internal import EmbeddingCache
internal import FoundationEssentials

/// A row of the `entry` table, recognised on a leaf page by its shape alone.
///
/// Nothing in it is trusted until the record verifies: the digest and namespace take part in the
/// checksum, so a row whose key, payload or checksum was hit fails it.
struct SalvagedEntry {
    var namespaceID: Int64
    var digest: ContentDigest
    /// The inline payload; `nil` when it lives in a side file.
    var payload: Data?
    var checksum: UInt32
    var created: Int64
    var lastUsed: Int64

    /// Reads an entry row: an integer, a 32-byte blob, a blob of `size` bytes or NULL, then four
    /// integers (size, checksum, created, last used). Later columns, if a newer schema adds some,
    /// are ignored.
    init?(_ values: [SQLiteValue]) {
        guard values.count >= 7, case .integer(let namespaceID) = values[0], case .blob(let digest) = values[1],
            let digest = ContentDigest(bytes: digest), case .integer(let size) = values[3],
            case .integer(let checksum) = values[4], let checksum = UInt32(exactly: checksum),
            case .integer(let created) = values[5], case .integer(let lastUsed) = values[6]
        else { return nil }
        switch values[2] {
        case .null:
            payload = nil
        case .blob(let bytes) where bytes.count == size:
            payload = Data(bytes)
        default:
            return nil
        }
        (self.namespaceID, self.digest, self.checksum, self.created, self.lastUsed) =
            (namespaceID, digest, checksum, created, lastUsed)
    }
}

/// A row of the `namespace` table, recognised by its shape: the rowid alias (stored as NULL) and
/// three texts, the last a storage policy this version knows.
struct SalvagedNamespace {
    var id: Int64
    var namespace: Namespace

    init?(_ cell: TableLeafCell, _ values: [SQLiteValue]) {
        guard values.count == 4, values[0] == .null, case .text(let model) = values[1],
            case .text(let preprocessing) = values[2], case .text(let storage) = values[3],
            let model = String(validating: model, as: UTF8.self),
            let preprocessing = String(validating: preprocessing, as: UTF8.self),
            let storage = String(validating: storage, as: UTF8.self).flatMap(StoragePolicy.init(rawValue:))
        else { return nil }
        id = cell.rowid
        namespace = Namespace(model: model, preprocessing: preprocessing, storage: storage)
    }
}

extension DatabasePages {
    /// Visits every row of every table leaf page not on the freelist, in page order, decoded; rows
    /// whose cells or records do not hold together are skipped.
    func forEachRow(_ body: (TableLeafCell, [SQLiteValue]) throws -> Void) rethrows {
        guard pageCount > 0 else { return }
        let free = freePages()
        for number in 1...pageCount where !free.contains(number) {
            for cell in tableLeafCells(ofPage: number) {
                guard let values = SQLiteRecordValues.decode(cell.record) else { continue }
                try body(cell, values)
            }
        }
    }

    /// Every namespace row found, by id; an id may have several candidates when a row was hit.
    func namespaces() -> [Int64: [Namespace]] {
        var found = [Int64: [Namespace]]()
        forEachRow { cell, values in
            guard let row = SalvagedNamespace(cell, values) else { return }
            found[row.id, default: []].append(row.namespace)
        }
        return found
    }
}
