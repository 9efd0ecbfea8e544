import FoundationEssentials

extension ScratchStores {
    /// Runs `body` with a temporary scratch folder and the stores' folder, removing the scratch
    /// folder (and the stores, unless `folder` was given) afterwards, even when `body` throws.
    ///
    /// ```swift
    /// let result = try await ScratchStores.withWorkspace(keepingStoresIn: nil) { scratch, stores in
    ///     try await InvalidationAudit(encoder: encoder).run(sources: sources, scratch: scratch, stores: stores)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - folder: Where to keep the stores; `nil` for the temporary folder.
    ///   - body: The simulation, given the folder for its working files and its stores.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public static func withWorkspace<Result>(
        keepingStoresIn folder: String?,
        _ body: (_ scratch: String, _ stores: ScratchStores) async throws -> Result
    ) async throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "embcache-simulate-\(UUID().uuidString)"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try await body(scratch + "/files", ScratchStores(folder: folder ?? scratch + "/stores"))
    }
}
