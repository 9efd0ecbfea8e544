/// Scaling vectors to unit length, for the built-in encoders.
enum UnitVector {
    /// `values` divided by their Euclidean norm; unchanged when the norm is zero.
    static func normalised(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }
}
