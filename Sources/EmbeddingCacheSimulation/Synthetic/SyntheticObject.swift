import EmbeddingCache
import Foundation

/// One object of the synthetic corpus: a shape with its colour, size, proportions and pose,
/// drawn from a seeded generator, and rendered from any of its views.
struct SyntheticObject: Sendable {
    let shape: SyntheticShape
    /// The object's colour, 0–255 per channel, before shading.
    let colour: (red: Double, green: Double, blue: Double)
    /// The object's extent as a fraction of the image side: small objects are 0.12–0.25.
    let scale: Double
    let aspect: Double
    let detail: Double
    let turn: Double
    let offset: (x: Double, y: Double)

    /// The fraction of objects drawn small, as in renders of small objects on a large background.
    static let smallFraction = 0.25

    /// Draws an object of `shape` from `generator`.
    init(shape: SyntheticShape, generator: inout SplitMix64) {
        self.shape = shape
        let hue = Double.random(in: 0..<1, using: &generator)
        let saturation = Double.random(in: 0.45...0.9, using: &generator)
        let value = Double.random(in: 0.35...0.85, using: &generator)
        colour = Self.rgb(hue: hue, saturation: saturation, value: value)
        let small = Double.random(in: 0..<1, using: &generator) < Self.smallFraction
        scale =
            small ? Double.random(in: 0.12...0.25, using: &generator) : Double.random(in: 0.45...0.8, using: &generator)
        aspect = Double.random(in: 0.7...1.3, using: &generator)
        detail = Double.random(in: 0..<1, using: &generator)
        turn = Double.random(in: 0..<(2 * Double.pi), using: &generator)
        let room = (1 - scale) * 0.3
        offset = (
            Double.random(in: -room...room, using: &generator), Double.random(in: -room...room, using: &generator)
        )
    }

    /// Renders view `view` of `views` (a ring of poses: turned in the plane and foreshortened as
    /// if rotating about the vertical axis) on a white `size × size` RGB canvas.
    ///
    /// - Returns: `size × size × 3` bytes, rows top to bottom.
    func render(view: Int, of views: Int, size: Int) -> [UInt8] {
        let angle = 2 * Double.pi * Double(view) / Double(views)
        let rotation = turn + angle / 4
        let (cosine, sine) = (cos(rotation), sin(rotation))
        let squash = (0.6 + 0.4 * abs(cos(angle))) * aspect
        let halfExtent = scale / 2
        var pixels = [UInt8](repeating: 255, count: size * size * 3)
        let reach = halfExtent * max(1, squash) * 1.5
        let low = max(0, Int(((0.5 + offset.y - reach) * Double(size)).rounded(.down)))
        let high = min(size, Int(((0.5 + offset.y + reach) * Double(size)).rounded(.up)))
        let left = max(0, Int(((0.5 + offset.x - reach) * Double(size)).rounded(.down)))
        let right = min(size, Int(((0.5 + offset.x + reach) * Double(size)).rounded(.up)))
        for row in low..<max(low, high) {
            let y = (Double(row) + 0.5) / Double(size) - 0.5 - offset.y
            for column in left..<max(left, right) {
                let x = (Double(column) + 0.5) / Double(size) - 0.5 - offset.x
                let u = (cosine * x + sine * y) / (halfExtent * squash)
                let v = (-sine * x + cosine * y) / halfExtent
                guard shape.contains(u: u, v: v, detail: detail) else { continue }
                let light: Double = -(x + y) / (2 * halfExtent)
                let shade: Double = 0.72 + 0.28 * max(-1, min(1, light))
                let base = (row * size + column) * 3
                pixels[base] = UInt8(min(255, colour.red * shade))
                pixels[base + 1] = UInt8(min(255, colour.green * shade))
                pixels[base + 2] = UInt8(min(255, colour.blue * shade))
            }
        }
        return pixels
    }

    /// HSV to 0–255 RGB.
    private static func rgb(hue: Double, saturation: Double, value: Double) -> (Double, Double, Double) {
        let sector = hue * 6
        let fraction = sector - sector.rounded(.down)
        let (p, q, t) = (
            value * (1 - saturation), value * (1 - saturation * fraction), value * (1 - saturation * (1 - fraction))
        )
        let (r, g, b): (Double, Double, Double) =
            switch Int(sector) % 6 {
            case 0: (value, t, p)
            case 1: (q, value, p)
            case 2: (p, value, t)
            case 3: (p, q, value)
            case 4: (t, p, value)
            default: (value, p, q)
            }
        return (r * 255, g * 255, b * 255)
    }
}
