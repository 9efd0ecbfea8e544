import ArgumentParser
import EmbeddingCache
import Testing

@testable import embcache

/// The values of `prune` and `clear` options.
struct ManagementParsingTests {
    @Test(arguments: [
        ("500MB", 500_000_000), ("10GB", 10_000_000_000), ("2GiB", 2 << 30), ("1.5kb", 1500), ("123", 123),
        ("7b", 7),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(ByteSize(argument: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "GB", "-1MB", "10XB", "infGB"])
    func invalidSizes(text: String) {
        #expect(ByteSize(argument: text) == nil)
    }

    @Test(arguments: [("30d", 2_592_000.0), ("12h", 43_200), ("45m", 2700), ("90s", 90), ("1.5w", 907_200)])
    func ages(text: String, seconds: Double) {
        #expect(AgeArgument(argument: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "30", "d", "-1d", "3y"])
    func invalidAges(text: String) {
        #expect(AgeArgument(argument: text) == nil)
    }

    @Test func namespacePatternsMatchTheFieldsGiven() throws {
        let namespace = Namespace(model: "m@1", preprocessing: "resize", storage: .float16)
        for text in ["m@1", "m@1|resize", "m@1 | resize | float16"] {
            #expect(try #require(NamespacePattern(argument: text)).matches(namespace), "\(text)")
        }
        for text in ["m@2", "m@1|crop", "m@1|resize|lossless"] {
            #expect(try #require(NamespacePattern(argument: text)).matches(namespace) == false, "\(text)")
        }
        #expect(NamespacePattern(argument: "m|p|nonsense") == nil)
        #expect(NamespacePattern(argument: "|p") == nil)
    }
}

/// Sizes in text output read as people write them, in the units `--max-size` takes.
struct ByteSizeTextTests {
    @Test(arguments: [
        (0, "0 bytes"), (12, "12 bytes"), (1000, "1 KB"), (2_137_184, "2.1 MB"), (3_489_872, "3.5 MB"),
        (17_000_000_000, "17 GB"),
    ])
    func sizesReadAsPeopleWriteThem(bytes: Int, text: String) {
        #expect(ByteSize.text(bytes) == text)
    }
}
