import EmbeddingCacheSimulation
import Testing

/// CSV quoting follows RFC 4180.
struct CSVTableTests {
    @Test func quotesOnlyFieldsThatNeedIt() {
        let table = CSVTable(columns: ["name", "note"], rows: [["a.png", "plain"], ["b,c.png", #"say "hi""#]])
        #expect(table.text == "name,note\na.png,plain\n\"b,c.png\",\"say \"\"hi\"\"\"\n")
    }
}
