import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

@testable import EmbeddingCacheDatasets

/// `OutputFile`'s gathering writes and `SafetensorsFile`'s concurrent writes, byte for byte.
struct OutputFileTests {
    /// Buffers of awkward sizes: empty, small enough to live inline in `Data`, page-sized, large,
    /// and slices that do not start at index 0.
    private static func buffers(count: Int) -> [Data] {
        let sizes = [0, 1, 7, 14, 15, 4096, 100_003]
        var state: UInt8 = 1
        return (0..<count).map { index in
            let size = sizes[index % sizes.count]
            let whole = Data(
                (0..<(size + 3)).map { _ in
                    state = state &* 29 &+ 7
                    return state
                }
            )
            return index % 2 == 0 ? whole.prefix(size) : whole.dropFirst(3)
        }
    }

    /// Removed when the test's value is released.
    private let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory(prefix: "embcache-output") }

    @Test func manyBuffersLandBackToBackAndThePartialFileIsGone() throws {
        let path = scratch.url.appendingPathComponent("out.bin").path
        let buffers = Self.buffers(count: 300)
        let file = try OutputFile(path: path)
        try file.write(Array(buffers[..<150]))
        try file.write(buffers[150])
        try file.write(Array(buffers[151...]))
        try file.commit()
        let expected = buffers.reduce(into: [UInt8]()) { $0 += Array($1) }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == expected)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test func commitReplacesAnOldFileAndDiscardLeavesNothing() throws {
        let folder = scratch.url
        let path = folder.appendingPathComponent("out.bin").path
        try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
        let replacing = try OutputFile(path: path)
        try replacing.write(Data("new".utf8))
        try replacing.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")

        let discarded = try OutputFile(path: folder.appendingPathComponent("gone.bin").path)
        try discarded.write(Data("never seen".utf8))
        discarded.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.bin"])
    }

    @Test func aFileInAMissingFolderFailsNamingItsPath() throws {
        let path = scratch.url.appendingPathComponent("missing/out.bin").path
        #expect {
            _ = try OutputFile(path: path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("No such file")
        }
    }

    @Test func concurrentWritesStoreEveryFileAndReportTheFirstFailure() throws {
        let folder = scratch.url
        let tensors = (0..<40).map { index in
            [
                ("a", Tensor(float32: (0..<(index + 1) * 100).map(Float.init))),
                ("b", Tensor(float32: [Float(index)])),
            ]
        }
        let failing: Set<Int> = [5, 20]
        let paths = (0..<40).map { index in
            folder.appendingPathComponent(failing.contains(index) ? "missing/\(index).st" : "\(index).st").path
        }
        #expect {
            try SafetensorsFile.write(zip(paths, tensors).map { ($0, $1.map { (name: $0.0, tensor: $0.1) }) })
        } throws: { error in
            "\(error)".contains(paths[5])
        }
        for index in 0..<40 where !failing.contains(index) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: paths[index]))
            let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            // float32 values 0, 1, 2, … of "a" then the one value of "b", little-endian.
            let values = (0..<(index + 1) * 100).map(Float.init) + [Float(index)]
            let expected = values.flatMap { value in
                (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
            }
            #expect([UInt8](bytes.dropFirst(8 + headerLength)) == expected, "file \(index)")
        }
    }
}
