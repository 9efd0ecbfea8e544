import Foundation

/// A line chart written as a standalone SVG file: a title, axes with units and tick labels, a grid,
/// one line per series (each with its own colour, dash pattern and markers) and a legend.
///
/// ```swift
/// let chart = LineChart(
///     title: "Cumulative encoder time",
///     xLabel: "cycle",
///     yLabel: "encoder time (s)",
///     series: [.init(name: "sha", points: [(0, 4.3), (1, 5.2)])]
/// )
/// try chart.svg().write(toFile: "chart.svg", atomically: true, encoding: .utf8)
/// ```
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The points, in x order.
        public var points: [(x: Double, y: Double)]

        /// Creates a series.
        ///
        /// - Parameters:
        ///   - name: The legend's name.
        ///   - points: The points, in x order.
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    /// The title above the plot.
    public var title: String
    /// A second, smaller line under the title (what was measured, on what), or empty.
    public var subtitle: String
    /// The x axis's label, with its unit.
    public var xLabel: String
    /// The y axis's label, with its unit.
    public var yLabel: String
    /// The lines.
    public var series: [Series]
    /// Whether x is on a log2 scale (batch sizes) rather than a linear one.
    public var xLogarithmic: Bool

    /// Creates a chart.
    ///
    /// - Parameters:
    ///   - title: The title.
    ///   - subtitle: A smaller line under the title, or empty.
    ///   - xLabel: The x axis's label, with its unit.
    ///   - yLabel: The y axis's label, with its unit.
    ///   - series: The lines.
    ///   - xLogarithmic: Whether x is on a log2 scale.
    public init(
        title: String,
        subtitle: String = "",
        xLabel: String,
        yLabel: String,
        series: [Series],
        xLogarithmic: Bool = false
    ) {
        self.title = title
        self.subtitle = subtitle
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xLogarithmic = xLogarithmic
    }

    static let width = 820.0
    static let height = 460.0
    static let plot = (left: 84.0, right: 600.0, top: 70.0, bottom: 390.0)
    static let colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    static let gridColour = "#e0e0e0"
    static let subtitleColour = "#444444"
    static let dashes = ["", "7 4", "2 3", "10 3 2 3", "4 2", "1 2"]

    /// The chart as an SVG document.
    public func svg() -> String {
        let points = series.flatMap(\.points)
        let x = ChartAxis(covering: points.map(\.x), scale: xLogarithmic ? .log2 : .linear, includingZero: false)
        let y = ChartAxis(covering: points.map(\.y), scale: .linear, includingZero: true)
        let plot = Self.plot
        let px = { (value: Double) in plot.left + x.fraction(of: value) * (plot.right - plot.left) }
        let py = { (value: Double) in plot.bottom - y.fraction(of: value) * (plot.bottom - plot.top) }
        var lines = [
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(Self.width))" height="\#(Int(Self.height))" "#
                + #"viewBox="0 0 \#(Int(Self.width)) \#(Int(Self.height))" font-family="Helvetica, Arial, sans-serif">"#,
            "<title>\(Self.escape(title))</title>",
            #"<rect width="100%" height="100%" fill="white"/>"#,
            #"<text class="title" x="\#(Self.number(Self.width / 2))" y="28" text-anchor="middle" "#
                + #"font-size="18" font-weight="bold">\#(Self.escape(title))</text>"#,
            #"<text class="subtitle" x="\#(Self.number(Self.width / 2))" y="50" text-anchor="middle" "#
                + #"font-size="13" fill="\#(Self.subtitleColour)">\#(Self.escape(subtitle))</text>"#,
        ]
        for tick in y.ticks {
            let position = Self.number(py(tick))
            lines.append(
                #"<line x1="\#(plot.left)" y1="\#(position)" x2="\#(plot.right)" y2="\#(position)" stroke="\#(Self.gridColour)"/>"#
            )
            lines.append(
                #"<text class="tick" x="\#(plot.left - 8)" y="\#(position)" text-anchor="end" "#
                    + #"dominant-baseline="middle" font-size="12">\#(y.label(tick))</text>"#
            )
        }
        for tick in x.ticks {
            let position = Self.number(px(tick))
            lines.append(
                #"<line x1="\#(position)" y1="\#(plot.bottom)" x2="\#(position)" y2="\#(plot.bottom + 5)" stroke="black"/>"#
            )
            lines.append(
                #"<text class="tick" x="\#(position)" y="\#(plot.bottom + 20)" text-anchor="middle" "#
                    + #"font-size="12">\#(x.label(tick))</text>"#
            )
        }
        lines += [
            #"<line class="axis" x1="\#(plot.left)" y1="\#(plot.bottom)" x2="\#(plot.right)" y2="\#(plot.bottom)" stroke="black"/>"#,
            #"<line class="axis" x1="\#(plot.left)" y1="\#(plot.top)" x2="\#(plot.left)" y2="\#(plot.bottom)" stroke="black"/>"#,
            #"<text class="axis-label" x="\#(Self.number((plot.left + plot.right) / 2))" y="\#(plot.bottom + 48)" "#
                + #"text-anchor="middle" font-size="14">\#(Self.escape(xLabel))</text>"#,
            #"<text class="axis-label" x="22" y="\#(Self.number((plot.top + plot.bottom) / 2))" text-anchor="middle" "#
                + #"font-size="14" transform="rotate(-90 22 \#(Self.number((plot.top + plot.bottom) / 2)))">"#
                + #"\#(Self.escape(yLabel))</text>"#,
        ]
        for (index, line) in series.enumerated() {
            lines += seriesElements(line, index: index, px: px, py: py)
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A series' line, markers and legend entry.
    private func seriesElements(
        _ line: Series,
        index: Int,
        px: (Double) -> Double,
        py: (Double) -> Double
    ) -> [String] {
        let colour = Self.colours[index % Self.colours.count]
        let dash = Self.dashes[index % Self.dashes.count]
        let dashAttribute = dash.isEmpty ? "" : #" stroke-dasharray="\#(dash)""#
        let coordinates = line.points.map { "\(Self.number(px($0.x))),\(Self.number(py($0.y)))" }
        var elements = [
            #"<polyline class="series" data-name="\#(Self.escape(line.name))" points="\#(coordinates.joined(separator: " "))" "#
                + #"fill="none" stroke="\#(colour)" stroke-width="2"\#(dashAttribute)/>"#
        ]
        if line.points.count <= 40 {
            elements += line.points.map {
                #"<circle cx="\#(Self.number(px($0.x)))" cy="\#(Self.number(py($0.y)))" r="3" fill="\#(colour)"/>"#
            }
        }
        let legendY = Self.plot.top + 8 + Double(index) * 24
        let legendX = Self.plot.right + 24
        elements += [
            #"<line x1="\#(legendX)" y1="\#(legendY)" x2="\#(legendX + 28)" y2="\#(legendY)" stroke="\#(colour)" "#
                + #"stroke-width="2"\#(dashAttribute)/>"#,
            #"<text class="legend" x="\#(legendX + 36)" y="\#(legendY)" dominant-baseline="middle" "#
                + #"font-size="13">\#(Self.escape(line.name))</text>"#,
        ]
        return elements
    }

    /// A coordinate with at most one decimal.
    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `text` with XML's special characters escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
