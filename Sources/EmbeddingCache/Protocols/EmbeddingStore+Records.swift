extension EmbeddingStore {
    /// Looks keys up in one round trip and verifies every record found against its checksum, as
    /// the cache's lookups do: a record that fails is ``LookupFinding/corrupt`` and never served.
    ///
    /// Use it to read records by key where there is no encoder, such as a server answering
    /// clients that send digests.
    ///
    /// ```swift
    /// let findings = try await store.verifiedRecords(for: [digest], in: namespace)
    /// if case .found(let record) = findings[0] { print(record.names) }
    /// ```
    ///
    /// - Parameters:
    ///   - digests: The content digests, possibly repeated.
    ///   - namespace: Their namespace.
    /// - Returns: One finding per digest, in order.
    /// - Throws: ``EmbeddingCacheError`` naming the namespace when the store fails or answers
    ///   another number of records than it was asked for.
    /// - Complexity: Reads every record found once to verify it, on every core for a large one.
    public func verifiedRecords(for digests: [ContentDigest], in namespace: Namespace) async throws -> [LookupFinding] {
        guard !digests.isEmpty else { return [] }
        do {
            return try LookupFinding.verifying(
                try await records(for: digests, in: namespace),
                digests: digests,
                checksum: RecordChecksum(namespace: namespace),
                namespace: namespace
            )
        } catch {
            throw EmbeddingCacheError.storeFailure(error, in: namespace)
        }
    }

    /// Stores records by key in one transaction, prepared as the cache prepares an encoder's: each
    /// checked for NaN and infinity, down-cast as the namespace's storage policy says, and sealed
    /// with its checksum. Records already stored under those keys are replaced.
    ///
    /// Use it to store records computed elsewhere (such as by a client of the server's record
    /// API), so that they read back exactly as the cache's own.
    ///
    /// ```swift
    /// try await store.putRecords([(digest, record)], in: namespace)
    /// ```
    ///
    /// - Parameters:
    ///   - records: The records with their digests; a repeated digest is stored once, the last
    ///     record given for it.
    ///   - namespace: Their namespace.
    /// - Throws: ``EmbeddingCacheError/Code/invalidInput`` naming the digest and tensor of the first
    ///   record holding NaN or infinity, or a value its storage type cannot hold (nothing is
    ///   stored); the store's error naming the namespace.
    public func putRecords(
        _ records: [(digest: ContentDigest, record: TensorRecord)],
        in namespace: Namespace
    ) async throws {
        let checksum = RecordChecksum(namespace: namespace)
        var entries = [StoreEntry]()
        var positions = [ContentDigest: Int]()
        for (digest, record) in records {
            if let name = record.firstNonFiniteTensor {
                throw EmbeddingCacheError(
                    .invalidInput,
                    "the record \(digest.hex) holds NaN or infinity in '\(name)'",
                    namespace: namespace
                )
            }
            let stored: TensorRecord
            do {
                stored = try record.stored(as: namespace.storage)
            } catch {
                throw EmbeddingCacheError(
                    .invalidInput,
                    "the record \(digest.hex): \(error.message)",
                    namespace: namespace
                )
            }
            let entry = StoreEntry(digest: digest, record: checksum.seal(stored, digest: digest))
            if let position = positions[digest] {
                entries[position] = entry
            } else {
                positions[digest] = entries.count
                entries.append(entry)
            }
        }
        guard !entries.isEmpty else { return }
        do {
            try await put(entries, in: namespace)
        } catch {
            throw EmbeddingCacheError.storeFailure(error, in: namespace)
        }
    }
}

extension LookupFinding {
    /// Verifies what a store answered for `digests`: one answer per digest, each record's checksum.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/storeFailed`` when the counts differ.
    static func verifying(
        _ found: [StoredRecord?],
        digests: [ContentDigest],
        checksum: RecordChecksum,
        namespace: Namespace
    ) throws(EmbeddingCacheError) -> [LookupFinding] {
        guard found.count == digests.count else {
            throw EmbeddingCacheError.miscounted(found.count, of: digests.count, "lookups", in: namespace)
        }
        return zip(digests, found).map { digest, stored in
            guard let stored else { return .absent }
            return checksum.open(stored, digest: digest).map(LookupFinding.found) ?? .corrupt
        }
    }
}
