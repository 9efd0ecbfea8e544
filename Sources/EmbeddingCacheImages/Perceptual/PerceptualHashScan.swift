public import EmbeddingCache
public import Foundation
import Synchronization

/// Decodes and hashes many images on every core: the perceptual hash of each, or why it has none.
///
/// The near-duplicates search and the pHash collision simulation both start from this scan.
///
/// ```swift
/// let scan = PerceptualHashScan(algorithm: .dhash)
/// let hashes = await scan.hashes(
///     count: paths.count,
///     label: { paths[$0] },
///     bytes: { index throws(EmbeddingCacheError) in try EmbeddingInput.file(paths[index]).load().bytes }
/// )
/// ```
public struct PerceptualHashScan: Sendable {
    /// The hash to compute.
    public var algorithm: PerceptualHash.Algorithm

    /// Prepares a scan.
    ///
    /// - Parameter algorithm: The hash to compute; the 8×8 DCT hash by default.
    public init(algorithm: PerceptualHash.Algorithm = .phash) { self.algorithm = algorithm }

    /// The hash of each of `count` images, in order, or the reason it could not be read or decoded.
    ///
    /// - Parameters:
    ///   - count: How many images.
    ///   - label: The name of image `i`, for error messages.
    ///   - progress: Called with the number of images done so far, from any thread.
    ///   - bytes: Reads image `i`'s encoded bytes; called once per image, on any thread.
    /// - Returns: One result per image, in order.
    public func hashes(
        count: Int,
        label: @escaping @Sendable (Int) -> String,
        progress: @escaping @Sendable (Int) -> Void = { _ in },
        bytes: @escaping @Sendable (Int) throws(EmbeddingCacheError) -> Data
    ) async -> [Result<PerceptualHash, EmbeddingCacheError>] {
        let done = FinishedCount()
        let decoder = ImageDecoder()
        let algorithm = algorithm
        return await ConcurrentMap.map(count: count, workers: ProcessInfo.processInfo.activeProcessorCount) { index in
            let result = Result { () throws(EmbeddingCacheError) in
                PerceptualHash(of: try decoder.decode(try bytes(index), label: label(index)), algorithm: algorithm)
            }
            progress(done.increment())
            return result
        }
    }
}

/// Images finished so far, counted from several threads.
private final class FinishedCount: Sendable {
    private let count = Atomic(0)

    /// Counts one more image and returns the new total.
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
}
