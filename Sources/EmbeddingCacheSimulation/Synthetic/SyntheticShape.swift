import Foundation

/// The ten object classes of the synthetic corpus: one flat shape each, varied per object.
public enum SyntheticShape: String, CaseIterable, Sendable {
    /// A filled disc.
    case disc
    /// A square with slightly rounded proportions.
    case square
    /// An isosceles triangle.
    case triangle
    /// A ring whose thickness varies per object.
    case ring
    /// A plus-shaped cross.
    case cross
    /// A star with five to seven points.
    case star
    /// A square standing on a corner.
    case diamond
    /// A disc with a bite taken out.
    case crescent
    /// A long thin bar.
    case bar
    /// An L shape.
    case corner

    /// Whether the point (u, v) of the object's own frame, both in about [-1, 1], is inside.
    ///
    /// - Parameters:
    ///   - u: Horizontal coordinate, right positive.
    ///   - v: Vertical coordinate, down positive.
    ///   - detail: A per-object number in [0, 1) varying thickness or point count.
    func contains(u: Double, v: Double, detail: Double) -> Bool {
        switch self {
        case .disc: return u * u + v * v <= 1
        case .square: return max(abs(u), abs(v)) <= 0.85
        case .triangle: return v <= 0.8 && abs(u) <= (v + 0.9) * 0.55
        case .ring:
            let radius = (u * u + v * v).squareRoot()
            return radius <= 1 && radius >= 0.45 + 0.3 * detail
        case .cross:
            let arm = 0.22 + 0.15 * detail
            return (abs(u) <= arm && abs(v) <= 1) || (abs(v) <= arm && abs(u) <= 1)
        case .star:
            let points = Double(5 + Int(detail * 3))
            let radius = (u * u + v * v).squareRoot()
            return radius <= 0.6 + 0.38 * cos(points * atan2(v, u))
        case .diamond: return abs(u) + abs(v) <= 1
        case .crescent:
            let bite = (u - 0.45) * (u - 0.45) + (v + 0.1) * (v + 0.1)
            return u * u + v * v <= 1 && bite > 0.55 + 0.25 * detail
        case .bar: return abs(v) <= 0.18 + 0.12 * detail && abs(u) <= 1
        case .corner: return (u >= -0.9 && u <= -0.35 && abs(v) <= 0.9) || (v >= 0.35 && v <= 0.9 && abs(u) <= 0.9)
        }
    }
}
