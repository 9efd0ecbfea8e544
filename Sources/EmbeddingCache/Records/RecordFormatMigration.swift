/// Rewrites every record of a store in the current record format version.
///
/// Stores keep records of older versions readable, so migrating is never required to read them;
/// it makes every checksum the current one (format 3: the unambiguous namespace seed and chunks
/// summed with plain CRC32C, which other languages verify with any CRC32C library; see
/// ``RecordChecksum``).
/// Each record is verified before it is rewritten: a corrupt one is counted and left as it is for
/// `verify --repair`, never re-sealed. Other processes may use the store meanwhile.
///
/// ```swift
/// let report = try await RecordFormatMigration.run(on: store)
/// print(report.converted, report.corrupt)
/// ```
public enum RecordFormatMigration {
    /// What a migration did.
    public struct Report: Sendable, Hashable, Codable {
        /// Records read.
        public var records = 0
        /// Records rewritten in the current version.
        public var converted = 0
        /// Records already in the current version.
        public var current = 0
        /// Records that failed their checksum and were left unchanged.
        public var corrupt = 0

        /// Creates an empty report.
        public init() {}
    }

    /// Migrates every namespace of `store`.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - progress: Called with the number of records read so far, after each page.
    /// - Returns: What was converted, already current or corrupt.
    /// - Throws: What the store throws; pages rewritten before stay rewritten.
    public static func run(
        on store: any EmbeddingStore,
        progress: (Int) -> Void = { _ in }
    ) async throws -> Report {
        var report = Report()
        for figures in try await store.statistics().namespaces {
            let checksum = RecordChecksum(namespace: figures.namespace)
            try await store.forEachPage(of: figures) { page in
                var rewritten = [StoreEntry]()
                for entry in page {
                    guard let upgraded = checksum.upgraded(entry.record, digest: entry.digest) else {
                        report.corrupt += 1
                        continue
                    }
                    if upgraded == entry.record {
                        report.current += 1
                    } else {
                        rewritten.append(StoreEntry(digest: entry.digest, record: upgraded))
                    }
                }
                if !rewritten.isEmpty { try await store.put(rewritten, in: figures.namespace) }
                report.converted += rewritten.count
                report.records += page.count
                progress(report.records)
            }
        }
        return report
    }
}
