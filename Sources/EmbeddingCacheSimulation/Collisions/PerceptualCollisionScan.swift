import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials

/// The study's pHash false-positive scan: every pair of images from different classes whose
/// 64-bit pHashes are within a Hamming distance, and their rate among all cross-class pairs.
///
/// Each such pair would be served one cached vector by a pHash-keyed cache. The pairs come from
/// the near-duplicate index (multi-index hashing), not from comparing every pair, so the scan is
/// complete at any corpus size rather than capped as the study's was.
///
/// ```swift
/// let scan = PerceptualCollisionScan(maximumDistance: 4)
/// let result = try await scan.run(sources: SyntheticCorpus().sources())
/// print(result.crossClassPairs.count, result.rate)
/// ```
public struct PerceptualCollisionScan: Sendable {
    /// The largest Hamming distance counted as a collision (4 in the study: the usual "duplicate"
    /// threshold).
    public let maximumDistance: Int

    /// Prepares a scan.
    ///
    /// - Parameter maximumDistance: The largest Hamming distance counted, 0 to 64.
    public init(maximumDistance: Int = 4) { self.maximumDistance = maximumDistance }

    /// Hashes every image on every core and finds the cross-class pairs within the distance.
    ///
    /// - Parameters:
    ///   - sources: The images, with their classes.
    ///   - progress: Called with the number of images hashed so far (at the end of hashing).
    /// - Returns: The pairs and the rate. Files that cannot be read or decoded are left out and
    ///   named in ``CollisionResult/unreadable``.
    public func run(sources: [WorkloadSource], progress: (@Sendable (Int) -> Void)? = nil) async -> CollisionResult {
        let hashes = await PerceptualHashScan().hashes(
            count: sources.count,
            label: { sources[$0].name },
            bytes: { index throws(EmbeddingCacheError) in try sources[index].loadBytes() }
        )
        progress?(sources.count)
        var images: [CollisionResult.Image] = []
        var unreadable: [String] = []
        for (source, hash) in zip(sources, hashes) {
            switch hash {
            case .success(let hash): images.append(.init(name: source.name, group: source.group, hash: hash.hex))
            case .failure(let error): unreadable.append("\(source.name): \(error.message)")
            }
        }
        let decoded = hashes.compactMap { try? $0.get() }
        let pairs = NearDuplicateIndex(decoded).pairs(maxDistance: maximumDistance).filter {
            images[$0.first].group != images[$0.second].group
        }
        return CollisionResult(
            maximumDistance: maximumDistance,
            images: images,
            unreadable: unreadable,
            crossClassPairs: pairs.map { .init(first: $0.first, second: $0.second, distance: $0.distance) }
        )
    }
}
