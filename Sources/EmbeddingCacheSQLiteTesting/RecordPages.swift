internal import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

/// Where each record of a closed SQLite store lives: its row's leaf page, its overflow pages and
/// its namespace's row page, read from SQLite's `dbstat` table; and which page each b-tree owns.
struct RecordPages {
    /// A record's key.
    struct Key: Hashable {
        var namespace: Namespace
        var digest: ContentDigest
    }

    /// The pages each record's bytes live on, its namespace row's page included.
    var pages: [Key: Set<Int>] = [:]
    /// The pages of each b-tree (table or index), by name.
    var trees: [String: [Int]] = [:]

    /// One row of `dbstat`.
    private struct PageRow {
        var name: String
        var path: String
        var number: Int
        var type: String
        var cells: Int
    }

    /// Reads the map of the store at `path`, which no connection may be writing.
    ///
    /// Rows of a table are stored in rowid order across its leaf pages in path order, so the n-th
    /// row by rowid is the n-th cell counting through the leaves; a cell's overflow pages have its
    /// leaf's path followed by the cell's index in three hexadecimal digits and `+`.
    init(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, path, pageno, pagetype, ncell FROM dbstat ORDER BY name, path")
                .map { PageRow(name: $0[0], path: $0[1], number: $0[2], type: $0[3], cells: $0[4]) }
        }
        let namespaces = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, model, preprocessing, storage FROM namespace").map { row in
                guard let storage = StoragePolicy(rawValue: row[3]) else {
                    throw RepairTrialError("the store names an unknown storage policy")
                }
                return (row[0] as Int64, Namespace(model: row[1], preprocessing: row[2], storage: storage))
            }
        }
        let entries = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT namespace_id, digest FROM entry ORDER BY rowid").map { row in
                guard let digest = ContentDigest(bytes: [UInt8](row[1] as Data)) else {
                    throw RepairTrialError("the store holds a digest that is not 32 bytes")
                }
                return (row[0] as Int64, digest)
            }
        }
        for row in rows { trees[row.name, default: []].append(row.number) }
        let namespacePages = Set(rows.filter { $0.name == "namespace" && $0.type == "leaf" }.map(\.number))
        let names = Dictionary(uniqueKeysWithValues: namespaces)
        let overflow = Dictionary(grouping: rows.filter { $0.name == "entry" && $0.type == "overflow" }) {
            String($0.path.prefix { $0 != "+" })
        }
        var next = entries.makeIterator()
        for leaf in rows where leaf.name == "entry" && leaf.type == "leaf" {
            for cell in 0..<leaf.cells {
                guard let (namespaceID, digest) = next.next(), let namespace = names[namespaceID] else {
                    throw RepairTrialError("the store's rows and dbstat's cells do not match")
                }
                let index = String(cell, radix: 16)
                let prefix = leaf.path + String(repeating: "0", count: max(0, 3 - index.count)) + index
                let own = (overflow[prefix] ?? []).map(\.number) + [leaf.number]
                pages[Key(namespace: namespace, digest: digest)] = Set(own).union(namespacePages)
            }
        }
        guard next.next() == nil else { throw RepairTrialError("the store has rows dbstat does not count") }
    }
}

/// A failure of the trial harness itself, not of the store under test.
struct RepairTrialError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
