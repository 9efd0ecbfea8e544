import Foundation

/// One axis of a chart: its range, its tick values and how they are printed.
struct ChartAxis {
    /// The scale of an axis.
    enum Scale: Sendable {
        /// Evenly spaced values.
        case linear
        /// Powers of two evenly spaced (batch sizes 1, 2, 4 … 64).
        case log2
    }

    let scale: Scale
    let lower: Double
    let upper: Double
    let ticks: [Double]

    /// An axis covering `values` (and 0 when `includingZero`) with about five "nice" ticks
    /// (1, 2 or 5 times a power of ten; powers of two on a log2 scale).
    init(covering values: [Double], scale: Scale, includingZero: Bool) {
        self.scale = scale
        let low = values.min() ?? 0
        let high = values.max() ?? 1
        switch scale {
        case .log2:
            let first = Int((Foundation.log2(max(low, 1))).rounded(.down))
            let last = max(first + 1, Int((Foundation.log2(max(high, 1))).rounded(.up)))
            ticks = (first...last).map { pow(2, Double($0)) }
            lower = ticks.first!
            upper = ticks.last!
        case .linear:
            let start = includingZero ? min(0, low) : low
            let end = high > start ? high : start + 1
            let integral = values.allSatisfy { $0 == $0.rounded() }
            let step = integral ? max(1, Self.niceStep((end - start) / 5)) : Self.niceStep((end - start) / 5)
            lower = (start / step).rounded(.down) * step
            upper = (end / step).rounded(.up) * step
            ticks = stride(from: lower, through: upper + step / 2, by: step).map { $0 }
        }
    }

    /// The position of `value` from 0 (lower end) to 1 (upper end).
    func fraction(of value: Double) -> Double {
        switch scale {
        case .linear: return upper > lower ? (value - lower) / (upper - lower) : 0
        case .log2:
            let (low, high) = (Foundation.log2(lower), Foundation.log2(upper))
            return high > low ? (Foundation.log2(max(value, lower)) - low) / (high - low) : 0
        }
    }

    /// A tick's label: as few decimals as the tick spacing needs.
    func label(_ value: Double) -> String {
        let spacing = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(value), 1)
        let decimals = scale == .log2 || spacing >= 1 ? 0 : Int((-Foundation.log10(spacing)).rounded(.up))
        return Self.format(value, decimals: decimals)
    }

    private static func format(_ value: Double, decimals: Int) -> String {
        String(format: "%.\(decimals)f", value == 0 ? 0 : value)
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, (Foundation.log10(rough)).rounded(.down))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }
}
