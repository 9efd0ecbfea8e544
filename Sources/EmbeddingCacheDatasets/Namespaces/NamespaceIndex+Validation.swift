public import EmbeddingCache

extension NamespaceIndex {
    /// The namespace this index holds, after checking that it is the one asked for and that every
    /// shard it lists is a plain file name inside the export folder.
    ///
    /// - Parameters:
    ///   - path: The index file's path, for error messages.
    ///   - pattern: The `import --namespace` value, if any.
    /// - Returns: The namespace to import into.
    /// - Throws: ``EmbeddingCacheError`` `.invalidInput` naming the index and the unknown storage
    ///   policy, the other namespace, or the shard name that could leave the folder.
    public func checked(at path: String, expecting pattern: NamespacePattern?) throws(EmbeddingCacheError) -> Namespace
    {
        guard let held = namespace.namespace else {
            throw EmbeddingCacheError(.invalidInput, "\(path) names an unknown storage policy '\(namespace.storage)'")
        }
        if let pattern, !pattern.matches(held) {
            throw EmbeddingCacheError(
                .invalidInput,
                "\(path) holds the namespace '\(held.model)|\(held.preprocessing)|\(held.storage.rawValue)', not '\(pattern)'",
                namespace: held
            )
        }
        for shard in shards where !Self.isPlainFileName(shard) {
            throw EmbeddingCacheError(
                .invalidInput,
                "\(path) lists the shard '\(shard)', which is not a file name inside its folder"
            )
        }
        return held
    }

    /// Whether `name` names a file directly inside a folder: not empty, not `.` or `..`, without
    /// `/`, `\` or NUL.
    ///
    /// - Parameter name: A shard name from an index.
    /// - Returns: Whether it stays inside the folder.
    public static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains { $0 == "/" || $0 == "\\" || $0 == "\0" }
    }
}
