internal import EmbeddingCache
internal import GRDB

extension SQLiteEmbeddingStore {
    /// Checks the database file's structure with SQLite's `PRAGMA quick_check`: every page of every
    /// table and index is read and checked, and the file's free pages are counted.
    ///
    /// Records' checksums are the cache's concern; this finds damage to the file itself, such as an
    /// index page that a lookup, a prune or a write would stumble on later.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.storeDamaged`, naming the file, the first problem found
    ///   and the command that rebuilds the store; `.storeFailed` when the file cannot be read.
    /// - Complexity: Reads the whole file once.
    public func checkStructure() async throws {
        let problems = try await access("check") {
            try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(1)") }
        }
        guard problems != ["ok"] else { return }
        throw EmbeddingCacheError.damaged(
            path,
            while: "check",
            reason: "the database file is damaged (its integrity check found: \(problems.first ?? "no answer"))"
        )
    }
}
