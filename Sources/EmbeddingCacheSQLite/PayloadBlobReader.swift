internal import FoundationEssentials
internal import GRDB

#if canImport(GRDBSQLite)
internal import GRDBSQLite
#else
internal import SQLite3
#endif

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Reads large inline payloads straight into the buffer a record will own, through SQLite's
/// incremental blob I/O.
///
/// A `SELECT` of a payload that spills onto overflow pages makes SQLite assemble it in memory of
/// its own when the row is stepped, and the caller then copies it once more. Reading it through a
/// blob handle copies it once, from the (memory-mapped) pages into the record's buffer. One handle
/// is opened per lookup batch and moved from row to row, so its cost is paid once per batch.
/// Use it only inside the read transaction that found the rows, and let it go before that ends.
final class PayloadBlobReader {
    private let connection: SQLiteConnection
    private var blob: OpaquePointer?

    /// Payloads of at least this many bytes are read through a blob handle; smaller ones fit on a
    /// page and are copied straight from it.
    static let threshold = 16 << 10

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }

    deinit {
        if let blob { sqlite3_blob_close(blob) }
    }

    /// The payload of row `rowid` of the entry table.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message.
    func payload(ofRow rowid: Int64) throws -> Data {
        let code =
            if let blob {
                sqlite3_blob_reopen(blob, rowid)
            } else {
                sqlite3_blob_open(
                    connection,
                    "main",
                    Schema.Entry.table,
                    Schema.Entry.Columns.payload,
                    rowid,
                    0,
                    &blob
                )
            }
        try check(code)
        let count = Int(sqlite3_blob_bytes(blob))
        guard count > 0, let buffer = malloc(count) else { return Data() }
        let read = sqlite3_blob_read(blob, buffer, Int32(count), 0)
        guard read == SQLITE_OK else {
            free(buffer)
            try check(read)
            return Data()
        }
        return Data(bytesNoCopy: buffer, count: count, deallocator: .free)
    }

    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        let message = sqlite3_errmsg(connection).map { String(cString: $0) }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
