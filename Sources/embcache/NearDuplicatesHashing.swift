import EmbeddingCache
import EmbeddingCacheImages
import Foundation
import Synchronization

/// Decodes and hashes the image files of a `near-duplicates` run on every core.
enum NearDuplicatesHashing {
    /// The perceptual hash of each file, in order, or the reason it could not be decoded.
    ///
    /// - Parameters:
    ///   - paths: The files.
    ///   - algorithm: `phash` or `dhash`.
    ///   - progress: The bar to advance as files are done.
    static func hashes(
        of paths: [String],
        algorithm: PerceptualHash.Algorithm,
        progress: ProgressBar
    ) async -> [Result<PerceptualHash, EmbeddingCacheError>] {
        let done = FinishedCount()
        let decoder = ImageDecoder()
        return await ConcurrentMap.map(count: paths.count, workers: ProcessInfo.processInfo.activeProcessorCount) {
            index in
            let result = Result { () throws(EmbeddingCacheError) in
                let path = paths[index]
                let image = try decoder.decode(try EmbeddingInput.file(path).load().bytes, label: path)
                return PerceptualHash(of: image, algorithm: algorithm)
            }
            progress.update(done.increment())
            return result
        }
    }
}

/// Files finished so far, counted from several threads.
private final class FinishedCount: Sendable {
    private let count = Atomic(0)

    /// Counts one more file and returns the new total.
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
}
