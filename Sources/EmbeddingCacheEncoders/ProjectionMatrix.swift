internal import EmbeddingCache
internal import Synchronization

/// The pixel-projection encoder's matrix: built on first use, then shared by every copy of the
/// encoder and every thread.
final class ProjectionMatrix: Sendable {
    private let rows: Int
    private let columns: Int
    private let seed: UInt64
    private let built = Mutex<[Float]?>(nil)

    init(rows: Int, columns: Int, seed: UInt64) {
        self.rows = rows
        self.columns = columns
        self.seed = seed
    }

    /// The `rows` × `columns` entries, row-major, uniform in [-1, 1), drawn from SplitMix64 seeded
    /// with `seed`.
    var entries: [Float] {
        built.withLock { built in
            if let built { return built }
            var generator = SplitMix64(seed: seed)
            let entries = (0..<rows * columns).map { _ in generator.nextSigned() }
            built = entries
            return entries
        }
    }

    /// `matrix` × `features`, scaled to unit length.
    static func project(_ features: [Float], by matrix: [Float]) -> [Float] {
        let columns = features.count
        let rows = matrix.count / columns
        return features.withUnsafeBufferPointer { features in
            matrix.withUnsafeBufferPointer { matrix in
                UnitVector.normalised((0..<rows).map { row in dot(matrix.baseAddress! + row * columns, features) })
            }
        }
    }

    /// The dot product of `count` floats at `row` with `features`, sixteen lanes at a time.
    private static func dot(_ row: UnsafePointer<Float>, _ features: UnsafeBufferPointer<Float>) -> Float {
        let count = features.count
        let vectorised = count - count % 16
        var lanes = SIMD16<Float>()
        let rowBytes = UnsafeRawPointer(row)
        let featureBytes = UnsafeRawPointer(features.baseAddress!)
        for offset in stride(from: 0, to: vectorised, by: 16) {
            let stride = offset * MemoryLayout<Float>.stride
            lanes +=
                rowBytes.loadUnaligned(fromByteOffset: stride, as: SIMD16<Float>.self)
                * featureBytes.loadUnaligned(fromByteOffset: stride, as: SIMD16<Float>.self)
        }
        var sum = lanes.sum()
        for index in vectorised..<count { sum += row[index] * features[index] }
        return sum
    }
}
