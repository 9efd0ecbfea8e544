import Foundation

/// Pillow's `resize(size, Image.Resampling.LANCZOS)` for 8-bit greyscale, reproduced exactly.
///
/// Pillow resizes in two separable passes, horizontal then vertical, each a convolution with a
/// Lanczos-3 kernel (`sinc(x) · sinc(x / 3)` on `[-3, 3)`) whose support is stretched by the
/// downscale factor. Each output sample's weights are normalised to sum to one, then rounded to
/// fixed point with 22 fractional bits; each pass accumulates in integers, starting at one half,
/// and clips to 0…255, so the first pass's result is rounded to bytes before the second runs. A
/// pass along an axis whose size does not change is skipped, and the vertical pass runs first when
/// the height loses more than twice as many pixels as the width (Pillow 13's order). Matching this arithmetic is what lets
/// hashes agree bit for bit with `imagehash`, which resizes through Pillow.
extension LumaPlane {
    /// The plane resized to `width × height`.
    func resized(width newWidth: Int, height newHeight: Int) -> LumaPlane {
        let horizontal = { (plane: LumaPlane) in
            newWidth == plane.width
                ? plane : plane.convolved(with: LanczosWeights(inputSize: plane.width, outputSize: newWidth), horizontally: true)
        }
        let vertical = { (plane: LumaPlane) in
            newHeight == plane.height
                ? plane : plane.convolved(with: LanczosWeights(inputSize: plane.height, outputSize: newHeight), horizontally: false)
        }
        // Pillow runs the vertical pass first when the height loses more than twice as many
        // pixels as the width (so the horizontal pass has fewer rows to do).
        let heightLoss = height - newHeight
        let verticalFirst = heightLoss > 0 && heightLoss > (width - newWidth) * 2
        return verticalFirst ? horizontal(vertical(self)) : vertical(horizontal(self))
    }

    /// One pass along rows (`horizontally`) or columns.
    private func convolved(with weights: LanczosWeights, horizontally: Bool) -> LumaPlane {
        let outWidth = horizontally ? weights.outputSize : width
        let outHeight = horizontally ? height : weights.outputSize
        // Along a row the taps are 1 sample apart; down a column, a row apart.
        let tapStride = horizontally ? 1 : width
        var output = [UInt8](repeating: 0, count: outWidth * outHeight)
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let position = horizontally ? x : y
                        let first = weights.firstTap[position]
                        let start = horizontally ? y * width + first : first * width + x
                        var sum = LanczosWeights.half
                        for tap in 0..<weights.tapCount[position] {
                            sum += Int(input[start + tap * tapStride]) * weights.coefficient(position, tap)
                        }
                        output[y * outWidth + x] = UInt8(clamping: sum >> LanczosWeights.precisionBits)
                    }
                }
            }
        }
        return LumaPlane(width: outWidth, height: outHeight, samples: output)
    }
}

/// The fixed-point Lanczos weights of one resampling pass, as Pillow's `precompute_coeffs` and
/// `normalize_coeffs_8bpc` compute them.
struct LanczosWeights {
    /// Fractional bits of a fixed-point weight: 32 bits less 8 for the sample and 2 for overflow.
    static let precisionBits = 22
    /// One half in fixed point: the accumulator's start, so the final shift rounds.
    static let half = 1 << (precisionBits - 1)
    private static let support = 3.0

    let outputSize: Int
    /// Per output sample: the first input sample it reads.
    let firstTap: [Int]
    /// Per output sample: how many input samples it reads.
    let tapCount: [Int]
    private let coefficients: [Int]
    private let stride: Int

    init(inputSize: Int, outputSize: Int) {
        self.outputSize = outputSize
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = Self.support * filterScale
        let inverseScale = 1 / filterScale
        stride = Int(support.rounded(.up)) * 2 + 1
        var firstTap = [Int](repeating: 0, count: outputSize)
        var tapCount = [Int](repeating: 0, count: outputSize)
        var coefficients = [Int](repeating: 0, count: outputSize * stride)
        for position in 0..<outputSize {
            let center = (Double(position) + 0.5) * scale
            // Pillow rounds by adding one half and truncating toward zero, then clamps.
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inputSize) - first
            var weights = (0..<count).map { Self.lanczos((Double($0 + first) - center + 0.5) * inverseScale) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            for (tap, weight) in weights.enumerated() {
                let scaled = weight * Double(1 << Self.precisionBits)
                coefficients[position * stride + tap] = Int(weight < 0 ? scaled - 0.5 : scaled + 0.5)
            }
            firstTap[position] = first
            tapCount[position] = count
        }
        self.firstTap = firstTap
        self.tapCount = tapCount
        self.coefficients = coefficients
    }

    /// The fixed-point weight of input sample `firstTap[position] + tap` in output sample `position`.
    func coefficient(_ position: Int, _ tap: Int) -> Int { coefficients[position * stride + tap] }

    /// Lanczos-3: `sinc(x) · sinc(x / 3)` for `-3 ≤ x < 3`, else 0.
    private static func lanczos(_ x: Double) -> Double {
        guard -support <= x, x < support else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    private static func sinc(_ x: Double) -> Double {
        guard x != 0 else { return 1 }
        let angle = x * Double.pi
        return sin(angle) / angle
    }
}
