import ArgumentParser
import Foundation

/// A `--max-size` value such as `500MB`, `10GB`, `2GiB` or `123456` (bytes).
///
/// `KB`, `MB`, `GB` and `TB` are powers of 1000; `KiB`, `MiB`, `GiB` and `TiB` powers of 1024;
/// case is ignored and a fraction is allowed (`1.5GB`).
struct ByteSize: ExpressibleByArgument {
    /// The size in bytes.
    var bytes: Int

    private static let units: [(suffix: String, factor: Double)] = [
        ("kib", 0x1p10), ("mib", 0x1p20), ("gib", 0x1p30), ("tib", 0x1p40),
        ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("b", 1),
    ]

    init?(argument: String) {
        let text = argument.lowercased()
        let unit = Self.units.first { text.hasSuffix($0.suffix) }
        guard let number = Double(text.dropLast(unit?.suffix.count ?? 0)), number >= 0 else { return nil }
        let bytes = number * (unit?.factor ?? 1)
        guard bytes < Double(Int.max) else { return nil }
        self.bytes = Int(bytes)
    }

    /// `bytes` for people: `3.5 MB`, `999 KB`, `12 bytes`, in the powers of 1000 `--max-size` reads.
    static func text(_ bytes: Int) -> String {
        bytes == 0 ? "0 bytes" : ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .decimal)
    }
}
