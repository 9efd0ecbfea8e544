import EmbeddingCacheSimulation
import Foundation
import Testing

/// `simulate audit --json`'s object: each scenario's row fields plus `passed`, as before the report
/// moved into the library.
struct AuditReportTests {
    @Test func eachScenarioPrintsItsRowsFieldsAndWhetherItPassed() throws {
        let rows = #"""
            {"namespace": "m|p|lossless", "rows": [
              {"scenario": "model change", "inputs": 4, "expectedHits": 0, "hits": 0, "expectedEncoded": 4,
               "encoded": 4, "expectedCorrupt": 0, "corrupt": 0, "wrongVectors": 0},
              {"scenario": "rename", "inputs": 4, "expectedHits": 4, "hits": 3, "expectedEncoded": 0,
               "encoded": 1, "expectedCorrupt": 0, "corrupt": 0, "wrongVectors": 1}]}
            """#
        let result = try JSONDecoder().decode(AuditResult.self, from: Data(rows.utf8))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(AuditReport(input: "in", result: result, files: ["a.csv"], out: "o"))
        let expected =
            #"{"files":["a.csv"],"input":"in","namespace":"m|p|lossless","out":"o","passed":false,"scenarios":["#
            + #"{"corrupt":0,"encoded":4,"expected_corrupt":0,"expected_encoded":4,"expected_hits":0,"hits":0,"#
            + #""inputs":4,"passed":true,"scenario":"model change","wrong_vectors":0},"#
            + #"{"corrupt":0,"encoded":1,"expected_corrupt":0,"expected_encoded":0,"expected_hits":4,"hits":3,"#
            + #""inputs":4,"passed":false,"scenario":"rename","wrong_vectors":1}]}"#
        #expect(String(decoding: json, as: UTF8.self) == expected)
    }
}
