import Foundation

extension CollisionResult {
    /// The summary as text: images, classes, pairs, collisions and the rate.
    public var table: TextTable {
        TextTable(
            columns: ["images", "classes", "cross-class pairs", "within distance \(maximumDistance)", "rate"],
            rows: [
                [
                    String(images.count), String(classCount), String(crossClassPairTotal),
                    String(crossClassPairs.count),
                    String(format: "%.4f %%", rate * 100),
                ]
            ],
            rightAligned: [0, 1, 2, 3, 4]
        )
    }

    /// `phash-collisions.csv` (one row per colliding pair) and `phash-collisions-summary.csv`.
    public var tables: [ReportFile] {
        let pairs = CSVTable(
            columns: ["first", "first_class", "first_phash", "second", "second_class", "second_phash", "distance"],
            rows: crossClassPairs.map { pair in
                let (first, second) = (images[pair.first], images[pair.second])
                return [
                    first.name, first.group, first.hash, second.name, second.group, second.hash, String(pair.distance),
                ]
            }
        )
        let summary = CSVTable(
            columns: [
                "images", "classes", "unreadable", "max_distance", "cross_class_pairs", "colliding_pairs", "rate",
            ],
            rows: [
                [
                    String(images.count), String(classCount), String(unreadable.count), String(maximumDistance),
                    String(crossClassPairTotal), String(crossClassPairs.count), String(format: "%.8f", rate),
                ]
            ]
        )
        return [
            ReportFile(name: "phash-collisions.csv", contents: pairs.text),
            ReportFile(name: "phash-collisions-summary.csv", contents: summary.text),
        ]
    }

    /// `phash-collisions-distance.svg`: colliding cross-class pairs within each distance from 0 up.
    public var charts: [ReportFile] {
        let points = (0...maximumDistance).map { distance in
            (x: Double(distance), y: Double(crossClassPairs.count { $0.distance <= distance }))
        }
        let chart = LineChart(
            title: "Cross-class pHash collisions",
            subtitle: "\(images.count) images in \(classCount) classes, \(crossClassPairTotal) cross-class pairs",
            xLabel: "Hamming distance between 64-bit pHashes (bits)",
            yLabel: "cross-class pairs within the distance (pairs)",
            series: [LineChart.Series(name: "cross-class pairs", points: points)]
        )
        return [ReportFile(name: "phash-collisions-distance.svg", contents: chart.svg())]
    }
}
