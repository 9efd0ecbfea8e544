import EmbeddingCache
public import EmbeddingCacheImages

/// Finds pairs of image files whose perceptual hashes are within a Hamming distance: every file
/// decoded and hashed on every core, the pairs found through a multi-index search.
///
/// A perceptual hash is never a cache key: two different images can share one. Verify the pairs
/// by their embeddings with ``NearDuplicatesVerification``.
///
/// ```swift
/// let report = await NearDuplicatesSearch(maxDistance: 6).run(files: try InputExpansion.files(for: ["photos/"]).files)
/// for pair in report.pairs { print(pair.distance, pair.first, pair.second) }
/// ```
public struct NearDuplicatesSearch: Sendable {
    /// The hash to compare.
    public var algorithm: PerceptualHash.Algorithm
    /// The largest Hamming distance (0…64) between the hashes of a pair.
    public var maxDistance: Int

    /// Prepares a search.
    ///
    /// - Parameters:
    ///   - algorithm: The hash to compare; the 8×8 DCT hash by default.
    ///   - maxDistance: The largest Hamming distance of a pair, 0 to 64.
    public init(algorithm: PerceptualHash.Algorithm = .phash, maxDistance: Int = 4) {
        self.algorithm = algorithm
        self.maxDistance = maxDistance
    }

    /// Hashes every file and lists the pairs; files that cannot be decoded are listed as failures.
    ///
    /// - Parameters:
    ///   - files: The image files.
    ///   - progress: Called with the number of files hashed so far, from any thread.
    /// - Returns: The pairs, the failures and the time each step took; ``NearDuplicatesReport/seconds``
    ///   is left for the caller.
    public func run(
        files: [String],
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async
        -> NearDuplicatesReport
    {
        let clock = ContinuousClock()
        let hashStart = clock.now
        let hashes = await PerceptualHashScan(algorithm: algorithm).hashes(
            count: files.count,
            label: { files[$0] },
            progress: progress,
            bytes: { index throws(EmbeddingCacheError) in try EmbeddingInput.file(files[index]).load().bytes }
        )
        let hashSeconds = (clock.now - hashStart).seconds
        var hashed: [(path: String, hash: PerceptualHash)] = []
        var failures: [EmbedRun.Failure] = []
        for (path, result) in zip(files, hashes) {
            switch result {
            case .success(let hash): hashed.append((path, hash))
            case .failure(let error): failures.append(EmbedRun.Failure(path: path, reason: error.message))
            }
        }
        let searchStart = clock.now
        let pairs = NearDuplicateIndex(hashed.map(\.hash)).pairs(maxDistance: maxDistance)
        var report = NearDuplicatesReport(
            images: files.count,
            failures: failures,
            hashed: hashed,
            algorithm: algorithm,
            maxDistance: maxDistance,
            pairs: pairs
        )
        report.hashSeconds = hashSeconds
        report.searchSeconds = (clock.now - searchStart).seconds
        return report
    }
}
