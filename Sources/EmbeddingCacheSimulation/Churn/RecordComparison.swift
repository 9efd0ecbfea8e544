public import EmbeddingCache

/// Decides whether a served record is the right one: the record a fresh encode of the current
/// input gives.
///
/// With a tolerance of 0 (the default) the records must be identical: same names, dtypes, shapes
/// and bytes, which a deterministic encoder always reproduces. An encoder that is not bit-for-bit
/// deterministic (a GPU model run at another batch size) needs a small tolerance: float tensors
/// then match when their relative L2 distance `‖served − fresh‖ / ‖fresh‖` is at most the
/// tolerance, and every other tensor must still be identical.
public struct RecordComparison: Sendable {
    /// The largest relative L2 distance between float tensors still counted as the same vector.
    public var tolerance: Double

    /// Creates a comparison.
    ///
    /// - Parameter tolerance: 0 for identical records; a small positive number for encoders that
    ///   are not deterministic.
    public init(tolerance: Double = 0) { self.tolerance = tolerance }

    /// Whether `served` is the record `fresh` is.
    ///
    /// - Parameters:
    ///   - served: What a cache served.
    ///   - fresh: A fresh encode of the same input.
    /// - Returns: `true` when they match within the tolerance.
    public func matches(_ served: TensorRecord, _ fresh: TensorRecord) -> Bool {
        if served == fresh { return true }
        guard tolerance > 0, served.names == fresh.names else { return false }
        return zip(served.tensors, fresh.tensors).allSatisfy { pair in
            let (served, fresh) = (pair.0.tensor, pair.1.tensor)
            guard served.dtype == fresh.dtype, served.shape == fresh.shape else { return false }
            guard served.dtype.isFloatingPoint else { return served == fresh }
            return Self.relativeDistance(served.floatValues(), fresh.floatValues()) <= tolerance
        }
    }

    /// `‖a − b‖ / ‖b‖`, or `‖a‖` when `b` is zero.
    static func relativeDistance(_ a: [Float], _ b: [Float]) -> Double {
        var difference = 0.0
        var norm = 0.0
        for (x, y) in zip(a, b) {
            difference += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
    }
}
