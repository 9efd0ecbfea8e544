import Foundation

/// The top-left corner of the unnormalised 2-D DCT-II of a square plane, as
/// `scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)[:size, :size]` computes it.
///
/// Along each axis, `y[k] = 2 · Σₙ x[n] · cos(π · k · (2n + 1) / (2N))`. Only the first `size`
/// frequencies of each axis are computed: O(N² · size) rather than the full transform.
struct LowFrequencyDCT {
    /// The side of the input plane.
    let inputSize: Int
    /// The frequencies kept along each axis.
    let size: Int
    /// `2 · cos(π · k · (2n + 1) / (2N))` at `k * inputSize + n`.
    private let basis: [Double]

    init(inputSize: Int, size: Int) {
        self.inputSize = inputSize
        self.size = size
        basis = (0..<size).flatMap { k in
            (0..<inputSize).map { n in
                2 * cos(Double.pi * Double(k) * Double(2 * n + 1) / Double(2 * inputSize))
            }
        }
    }

    /// The `size × size` coefficients of `plane`, row by row (vertical frequency first, as the
    /// first axis is the rows').
    func coefficients(of plane: LumaPlane) -> [Double] {
        precondition(plane.width == inputSize && plane.height == inputSize, "a square plane of the DCT's size")
        // Along axis 0 (down each column), then along axis 1 (across each resulting row).
        var columns = [Double](repeating: 0, count: size * inputSize)
        for k in 0..<size {
            for x in 0..<inputSize {
                var sum = 0.0
                for y in 0..<inputSize { sum += Double(plane[x, y]) * basis[k * inputSize + y] }
                columns[k * inputSize + x] = sum
            }
        }
        var result = [Double](repeating: 0, count: size * size)
        for k in 0..<size {
            for l in 0..<size {
                var sum = 0.0
                for x in 0..<inputSize { sum += columns[k * inputSize + x] * basis[l * inputSize + x] }
                result[k * size + l] = sum
            }
        }
        return result
    }
}
