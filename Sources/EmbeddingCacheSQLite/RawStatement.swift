internal import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

#if canImport(GRDBSQLite)
internal import GRDBSQLite
#else
internal import SQLite3
#endif

/// A prepared GRDB statement driven through the sqlite3 C API, without GRDB's row decoding.
///
/// The hot paths bind digests and payloads in place and read blobs straight from SQLite's buffer.
/// The store's lookup through it measured faster than the same lookup through GRDB's
/// `Row.fetchOne` (the `statements` benchmark suite; figures in `docs/benchmarks.md`).
/// Every use starts from a reset statement and resets it when done, so no statement keeps a
/// transaction's snapshot alive.
struct RawStatement {
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection?

    /// Wraps a cached statement of `db`, reset and with no bindings.
    init(_ db: Database, sql: String) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Compiles `sql` on `connection`, for a caller that keeps the statement and finalizes it
    /// (``finalize()``) before the connection closes.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message.
    init(preparing sql: String, on connection: SQLiteConnection) throws {
        var handle: SQLiteStatement?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_finalize(handle)
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(connection))
            )
        }
        self.handle = handle
        self.connection = connection
    }

    /// Releases a statement made by ``init(preparing:on:)``; it must not be used afterwards.
    func finalize() {
        sqlite3_finalize(handle)
    }

    /// Binds an integer to the 1-based parameter `index`.
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds a copy of `text`, as UTF-8, to parameter `index`.
    func bind(_ text: String, at index: Int32) {
        // SQLITE_TRANSIENT: SQLite copies the bytes before this call returns.
        sqlite3_bind_text(handle, index, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
    }

    /// Binds `bytes` to parameter `index` without copying; valid until the next `reset()`.
    func bind(borrowing bytes: UnsafeRawBufferPointer, at index: Int32) {
        if let base = bytes.baseAddress {
            sqlite3_bind_blob(handle, index, base, Int32(bytes.count), nil)
        } else {
            sqlite3_bind_zeroblob(handle, index, 0)
        }
    }

    /// Binds NULL to parameter `index`.
    func bindNull(at index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Runs `body` with the digest bound to parameter `index` in place.
    func with<Result>(_ digest: ContentDigest, at index: Int32, _ body: () throws -> Result) rethrows -> Result {
        try digest.withUnsafeBytes { raw in
            bind(borrowing: raw, at: index)
            return try body()
        }
    }

    /// Advances to the next row.
    ///
    /// - Returns: `true` at a row, `false` when done.
    /// - Throws: `DatabaseError` with SQLite's code and message.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }

    /// Steps to completion, for statements that return no rows.
    func run() throws {
        while try step() {}
        reset()
    }

    /// Makes the statement reusable and releases its snapshot; bindings stay.
    func reset() {
        sqlite3_reset(handle)
    }

    /// The integer in 0-based column `index` of the current row.
    func int64(at index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// The storage class of column `index` in the current row.
    func type(at index: Int32) -> ColumnType {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .float
        case SQLITE_TEXT: .text
        default: .blob
        }
    }

    /// SQLite's storage classes.
    enum ColumnType {
        case null, integer, float, text, blob
    }

    /// A copy of the blob in column `index` of the current row.
    func data(at index: Int32) -> Data {
        guard let base = sqlite3_column_blob(handle, index) else { return Data() }
        return Data(bytes: base, count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// The 32-byte digest in column `index` of the current row, or `nil` if it has another size.
    func digest(at index: Int32) -> ContentDigest? {
        guard let base = sqlite3_column_blob(handle, index) else { return nil }
        return ContentDigest(
            bytes: UnsafeRawBufferPointer(start: base, count: Int(sqlite3_column_bytes(handle, index)))
        )
    }
}
