/// One cell of a table b-tree's leaf page: a row's rowid and its record's bytes, overflow included.
struct TableLeafCell {
    /// The row's rowid.
    var rowid: Int64
    /// The row's record, in SQLite's record format.
    var record: [UInt8]
}

extension DatabasePages {
    /// The cells of page `number` when it is a table leaf page, else none.
    ///
    /// A cell whose bounds, overflow chain or sizes do not hold together is skipped: its row was
    /// hit. A page that is not a table leaf (an interior page, an index, an overflow or free page,
    /// or garbage) yields no cell.
    func tableLeafCells(ofPage number: Int) -> [TableLeafCell] {
        guard let page = page(number) else { return [] }
        let header = Self.btreeHeaderOffset(ofPage: number)
        guard header < page.count, page[header] == 13, let cellCount = page.uint16(at: header + 3) else { return [] }
        return (0..<cellCount).compactMap { index in
            page.uint16(at: header + 8 + 2 * index).flatMap { cell(at: $0, in: page) }
        }
    }

    /// The cell at `offset` of a leaf page, following its overflow chain.
    private func cell(at offset: Int, in page: [UInt8]) -> TableLeafCell? {
        guard let size = page.varint(at: offset), let rowid = page.varint(at: offset + size.length),
            size.value <= UInt64(pageCount) * UInt64(pageSize)
        else { return nil }
        let total = Int(size.value)
        let local = Self.localPayload(of: total, usable: pageSize)
        let start = offset + size.length + rowid.length
        guard start + local <= page.count else { return nil }
        var record = Array(page[start..<start + local])
        if local < total {
            guard let first = page.uint32(at: start + local), appendOverflow(from: first, to: &record, total: total)
            else { return nil }
        }
        return TableLeafCell(rowid: Int64(bitPattern: rowid.value), record: record)
    }

    /// How many bytes of a `total`-byte payload a table leaf page keeps itself, as SQLite's file
    /// format defines it; the rest goes to overflow pages.
    static func localPayload(of total: Int, usable: Int) -> Int {
        let maxLocal = usable - 35
        guard total > maxLocal else { return total }
        let minLocal = (usable - 12) * 32 / 255 - 23
        let local = minLocal + (total - minLocal) % (usable - 4)
        return local <= maxLocal ? local : minLocal
    }

    /// Appends the overflow chain starting at page `first` until `record` holds `total` bytes.
    ///
    /// - Returns: `false` when the chain leaves the file or loops.
    private func appendOverflow(from first: Int, to record: inout [UInt8], total: Int) -> Bool {
        var next = first
        var visited = Set<Int>()
        record.reserveCapacity(total)
        while record.count < total {
            guard visited.insert(next).inserted, let page = page(next), let following = page.uint32(at: 0) else {
                return false
            }
            let chunk = min(total - record.count, pageSize - 4)
            record.append(contentsOf: page[4..<4 + chunk])
            next = following
        }
        return true
    }
}
