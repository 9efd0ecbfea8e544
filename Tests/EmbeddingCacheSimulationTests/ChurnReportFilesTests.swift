import EmbeddingCacheSimulation
import Foundation
import Testing

/// The churn simulation's CSV files and charts have the columns and elements a reader needs.
struct ChurnReportFilesTests {
    @Test func csvFilesHaveTheDocumentedColumnsAndOneRowPerStrategyAndCycle() async throws {
        let folder = try ScratchFolder()
        let result = try await RenameChurnTests.simulate(folder)
        let paths = try ReportFile.write(result.tables + result.charts, to: folder.out)
        #expect(
            paths.map { ($0 as NSString).lastPathComponent } == [
                "churn.csv", "churn-summary.csv", "churn-encoder-seconds.svg", "churn-hit-rate.svg",
                "churn-wrong-vectors.svg",
            ]
        )
        let churn = try String(contentsOfFile: folder.out + "/churn.csv", encoding: .utf8).split(separator: "\n")
        #expect(
            churn.first
                == "strategy,cycle,inputs,hits,misses,failed,encoder_calls,encoder_seconds,digest_seconds,lookup_seconds,wall_seconds,wrong_vectors"
        )
        #expect(churn.count == 1 + 3 * 3)
        let shaCycle1 = churn.first { $0.hasPrefix("sha,1,") }?.split(separator: ",").map(String.init)
        #expect(shaCycle1?[2...4] == ["50", "50", "0"])
        let summary = try String(contentsOfFile: folder.out + "/churn-summary.csv", encoding: .utf8).split(
            separator: "\n"
        )
        #expect(
            summary.first
                == "strategy,encoder_seconds,encoder_calls,hit_rate_from_cycle_1,wrong_vectors,failed,wall_seconds"
        )
        #expect(summary.dropFirst().map { $0.split(separator: ",")[0] } == ["none", "path", "sha"])
    }

    @Test func chartsHaveATitleAxisLabelsWithUnitsAndALegendEntryPerStrategy() async throws {
        let folder = try ScratchFolder()
        let result = try await RenameChurnTests.simulate(folder)
        for chart in result.charts {
            let svg = try SVGDocument(chart.contents)
            #expect(svg.title?.isEmpty == false, "\(chart.name)")
            #expect(svg.texts(class: "axis-label").count == 2, "\(chart.name)")
            #expect(
                svg.texts(class: "axis-label").allSatisfy { $0.contains("(") && $0.hasSuffix(")") },
                "\(chart.name)"
            )
            #expect(svg.texts(class: "legend") == ["none", "path", "sha"], "\(chart.name)")
            #expect(svg.seriesNames == ["none", "path", "sha"], "\(chart.name)")
            #expect(svg.texts(class: "tick").count >= 4, "\(chart.name)")
        }
    }
}
