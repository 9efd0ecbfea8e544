import Foundation
import Testing

/// A minimal `.npy` v1.0 reader for float32 matrices, independent of the writer under test.
struct NPYFile {
    var descriptor: String
    var shape: [Int]
    var values: [Float]

    init(contentsOf path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.prefix(8) == Data([0x93] + Array("NUMPY".utf8) + [1, 0]))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = try #require(String(data: data[10..<(10 + headerLength)], encoding: .ascii))
        descriptor = try Self.capture(#"'descr': '([^']*)'"#, in: header)
        shape = try Self.capture(#"'shape': \(([^)]*)\)"#, in: header)
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        values = data[(10 + headerLength)...].withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }

    /// Row `index` of a 2-D matrix.
    func row(_ index: Int) -> [Float] {
        Array(values[(index * shape[1])..<((index + 1) * shape[1])])
    }

    private static func capture(_ pattern: String, in text: String) throws -> String {
        let regex = try NSRegularExpression(pattern: pattern)
        let match = try #require(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)))
        return String(text[try #require(Range(match.range(at: 1), in: text))])
    }
}
