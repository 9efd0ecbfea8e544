import EmbeddingCacheDatasets
import EmbeddingCacheTesting
import Foundation
import Testing

/// The folder walk, called directly.
struct InputExpansionTests {
    @Test func aFileWhoseNameIsNotUTF8IsLeftOutAndNamedWithItsBytesEscaped() throws {
        let scratch = try ScratchDirectory(prefix: "embcache-expansion")
        try Data("a".utf8).write(to: scratch.url.appendingPathComponent("a.txt"))
        try Data("h".utf8).write(to: scratch.url.appendingPathComponent(".hidden"))
        let badPath = (scratch.path + "/b").utf8 + [0xFF] + ".txt".utf8
        let descriptor = (Array(badPath) + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o600) }
        }
        #expect(descriptor >= 0)
        close(descriptor)
        let (files, leftOut) = try InputExpansion.files(for: [scratch.path])
        #expect(files == [scratch.path + "/a.txt"])
        #expect(leftOut == [scratch.path + "/b\\xFF.txt"])
        #expect(try InputExpansion.inputs(for: [scratch.path]).count == 2)
    }
}
