import EmbeddingCacheSimulation
import Testing

struct TextTableTests {
    @Test func columnsAreAlignedAndNumbersRightAligned() {
        let table = TextTable(
            columns: ["strategy", "hits"],
            rows: [["sha", "640"], ["phash", "8"]],
            rightAligned: [1]
        )
        #expect(table.text == "strategy  hits\n--------  ----\nsha        640\nphash        8\n")
    }
}
