import EmbeddingCacheSimulation
import Testing

/// A chart's ticks, lines and escaping, checked against values worked out by hand.
struct LineChartTests {
    @Test func ticksAreRoundNumbersCoveringTheDataFromZero() throws {
        let chart = LineChart(
            title: "Hits & misses <per cycle>",
            xLabel: "cycle",
            yLabel: "hits (files)",
            series: [.init(name: "a", points: [(0, 0), (10, 93)]), .init(name: "b", points: [(0, 40), (10, 10)])]
        )
        let svg = try SVGDocument(chart.svg())
        #expect(svg.title == "Hits & misses <per cycle>")
        // y covers 0…93: a step of 20 (93 / 5 rounded up to 1, 2 or 5 × 10ⁿ) up to 100.
        let ticks = svg.texts(class: "tick")
        #expect(ticks.prefix(6) == ["0", "20", "40", "60", "80", "100"])
        // x covers 0…10: a step of 2.
        #expect(ticks.dropFirst(6) == ["0", "2", "4", "6", "8", "10"])
        #expect(svg.seriesNames == ["a", "b"])
        // The plot spans x 84…600 and y 390 (bottom, 0) … 70 (top, 100).
        let first = try #require(svg.polylinePoints.first)
        #expect(first.map(\.x) == [84, 600])
        #expect(abs(first[1].y - (390 - 0.93 * 320)) < 0.06)
    }

    @Test func batchSizesSitOnALogarithmicAxis() throws {
        let chart = LineChart(
            title: "t",
            xLabel: "batch size",
            yLabel: "inputs/s",
            series: [.init(name: "cold", points: [1, 2, 4, 8, 16, 32, 64].map { (Double($0), 100) })],
            xLogarithmic: true
        )
        let svg = try SVGDocument(chart.svg())
        #expect(svg.texts(class: "tick").suffix(7) == ["1", "2", "4", "8", "16", "32", "64"])
        // Equal ratios, equal spacing: 516 / 6 = 86 between powers of two.
        let xs = try #require(svg.polylinePoints.first).map(\.x)
        #expect(zip(xs, xs.dropFirst()).allSatisfy { abs($1 - $0 - 86) < 0.11 })
    }
}
