import FoundationEssentials

/// The committed fixtures and what `Fixtures/make_fixtures.py` computed for them, independently
/// of the decoder: numpy for PNG (checked against Pillow where Pillow reads the type), Pillow for
/// JPEG.
enum Fixtures {
    struct Expected: Decodable {
        let width: Int
        let height: Int
        let layout: String
        let bitDepth: Int
        let pixels: String
        let pixelDigest: String
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let expected: [String: Expected] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode([String: Expected].self, from: data)
    }()

    /// The fixture names under `folder` (`png` or `jpeg`) that have expectations, sorted.
    static func names(in folder: String) -> [String] {
        expected.keys.filter { $0.hasPrefix(folder + "/") }.sorted()
    }

    static func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }
}

extension Data {
    /// Bytes from lowercase or uppercase hexadecimal digits.
    init(hex: String) {
        let digits = Array(hex.utf8)
        self.init(
            stride(from: 0, to: digits.count, by: 2).map {
                UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
            }
        )
    }

    var hex: String {
        map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
