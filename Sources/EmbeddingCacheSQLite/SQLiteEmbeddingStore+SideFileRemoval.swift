internal import EmbeddingCache
internal import GRDB

extension SQLiteEmbeddingStore {
    /// Runs a write transaction that removes side files, in the order that keeps every committed
    /// row's file: `body` deletes or replaces rows and returns the names of the files no row
    /// references any more; they are moved aside before the commit, deleted after it, and moved
    /// back when the transaction fails (see ``SideFiles/Removal``).
    ///
    /// - Parameter body: The transaction's work; returns its value and the files to remove.
    /// - Returns: What `body` returned.
    /// - Throws: What the transaction throws.
    func writeRemovingSideFiles<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> (value: T, sideFiles: [String])
    ) async throws -> T {
        let removal = SideFiles.Removal(sideFiles)
        do {
            let value = try await pool.write { db in
                let (value, names) = try body(db)
                removal.moveAside(names)
                return value
            }
            removal.finish()
            return value
        } catch {
            removal.undo()
            throw error
        }
    }
}
