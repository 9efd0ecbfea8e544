import EmbeddingCache

/// Wall-clock measurement helpers.
enum Timing {
    /// Runs `body` `repeats` times and returns each run's seconds.
    static func seconds(repeats: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
        var results = [Double]()
        let clock = ContinuousClock()
        for _ in 0..<repeats {
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            results.append(elapsed.seconds)
        }
        return results
    }

    /// The value at `fraction` (0.5 for the median) of the sorted values.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    static func format(_ value: Double, _ digits: Int = 2) -> String {
        let scale = pow10(digits)
        return "\((value * scale).rounded() / scale)"
    }

    private static func pow10(_ digits: Int) -> Double { (0..<digits).reduce(1.0) { value, _ in value * 10 } }
}
