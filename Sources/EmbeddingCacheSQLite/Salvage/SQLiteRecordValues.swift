/// One value of a row as SQLite's record format stores it.
enum SQLiteValue: Equatable {
    case null
    case integer(Int64)
    case real(UInt64)
    case text([UInt8])
    case blob([UInt8])
}

/// Decodes SQLite's record format: a header of serial types, then the values.
enum SQLiteRecordValues {
    /// The widths in bytes of the integer serial types 1 through 6.
    private static let integerWidths = [1, 2, 3, 4, 6, 8]

    /// The values of `record`, or `nil` when its header and body do not add up exactly to its size.
    static func decode(_ record: [UInt8]) -> [SQLiteValue]? {
        guard let header = record.varint(at: 0), header.value <= UInt64(record.count) else { return nil }
        let headerSize = Int(header.value)
        var types = [UInt64]()
        var offset = header.length
        while offset < headerSize {
            guard let type = record.varint(at: offset) else { return nil }
            types.append(type.value)
            offset += type.length
        }
        guard offset == headerSize else { return nil }
        var body = headerSize
        var values = [SQLiteValue]()
        values.reserveCapacity(types.count)
        for type in types {
            switch type {
            case 0:
                values.append(.null)
            case 1...6:
                let width = integerWidths[Int(type) - 1]
                guard let raw = record.bigEndian(at: body, width: width) else { return nil }
                let shift = UInt64(64 - 8 * width)
                values.append(.integer(Int64(bitPattern: raw << shift) >> shift))
                body += width
            case 7:
                guard let raw = record.bigEndian(at: body, width: 8) else { return nil }
                values.append(.real(raw))
                body += 8
            case 8, 9:
                values.append(.integer(Int64(type) - 8))
            case 10, 11:
                return nil
            default:
                let length = (type - 12) / 2
                guard length <= UInt64(record.count - body) else { return nil }
                let bytes = Array(record[body..<body + Int(length)])
                values.append(type % 2 == 0 ? .blob(bytes) : .text(bytes))
                body += Int(length)
            }
        }
        return body == record.count ? values : nil
    }
}
