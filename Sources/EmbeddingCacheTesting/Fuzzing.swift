internal import EmbeddingCache
internal import FoundationEssentials

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Seeded fuzzing of decoders: mutations of valid encodings that a decoder must reject with an
/// error, or accept consistently, and never trap on.
///
/// Every case draws from its own generator, made from the run's seed and the case's index, so any
/// case can be replayed alone with ``bytes(seed:index:corpus:)``. A trap stops the test process
/// before it can report; set `EMBCACHE_FUZZ_TRACE=1` to print each case's seed and index on
/// standard error before it runs, so the last line names the case that trapped.
///
/// ```swift
/// let summary = try Fuzzing.run(seed: 0xF022, cases: 100_000, corpus: [valid]) { bytes in
///     (try? decode(bytes)) != nil
/// }
/// #expect(summary.rejected > 0)
/// ```
public enum Fuzzing {
    /// What a run did: how many cases it ran, and how many the decoder accepted or rejected.
    public struct Summary: Sendable, Equatable {
        /// The cases run.
        public var cases = 0
        /// The cases the body reported as accepted.
        public var accepted = 0
        /// The cases the body reported as rejected.
        public var rejected: Int { cases - accepted }
    }

    /// Runs `cases` mutations of the encodings in `corpus` through `body`.
    ///
    /// - Parameters:
    ///   - seed: The run's seed; the same seed gives the same cases.
    ///   - cases: How many cases to run.
    ///   - corpus: Valid encodings to mutate; must not be empty.
    ///   - body: Decodes one case, checks what it can, and returns whether the decoder accepted it.
    ///     It receives the bytes and the case's index (to name in its failure messages).
    /// - Returns: The counts.
    /// - Throws: What `body` throws.
    public static func run(
        seed: UInt64,
        cases: Int,
        corpus: [[UInt8]],
        _ body: (_ bytes: [UInt8], _ index: Int) throws -> Bool
    ) rethrows -> Summary {
        let trace = ProcessInfo.processInfo.environment["EMBCACHE_FUZZ_TRACE"] == "1"
        var summary = Summary()
        for index in 0..<cases {
            if trace {
                let line = Array("fuzz seed \(seed) case \(index)\n".utf8)
                _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            }
            if try body(bytes(seed: seed, index: index, corpus: corpus), index) { summary.accepted += 1 }
            summary.cases += 1
        }
        return summary
    }

    /// The bytes of one case: one to three mutations of an encoding chosen from `corpus`.
    ///
    /// - Parameters:
    ///   - seed: The run's seed.
    ///   - index: The case's index.
    ///   - corpus: Valid encodings; must not be empty.
    /// - Returns: The mutated bytes.
    public static func bytes(seed: UInt64, index: Int, corpus: [[UInt8]]) -> [UInt8] {
        var generator = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        var bytes = corpus[Int(generator.next() % UInt64(corpus.count))]
        for _ in 0...(generator.next() % 3) { mutate(&bytes, using: &generator) }
        return bytes
    }

    /// Values that break length and offset fields: zero, one, the largest, the sign bit, and so on.
    private static let interesting: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max, .max - 1,
    ]

    /// Decimal numbers that break JSON-held lengths, offsets and shapes.
    private static let interestingNumbers = [
        "-1", "0", "1", "255", "256", "65536", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "18446744073709551616", "1e400", "3.5", "4611686018427387904",
    ]

    /// Applies one mutation: bit flips, a truncation, a rewritten length field, a rewritten decimal
    /// number, random bytes overwritten, appended or inserted, or entirely random bytes.
    private static func mutate(_ bytes: inout [UInt8], using generator: inout SplitMix64) {
        func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(generator.next() % UInt64(bound)) }
        switch below(8) {
        case 0:
            for _ in 0...below(8) where !bytes.isEmpty {
                bytes[below(bytes.count)] ^= 1 << UInt8(below(8))
            }
        case 1:
            bytes.removeLast(bytes.isEmpty ? 0 : 1 + below(bytes.count))
        case 2:
            let width = [1, 2, 4, 8][below(4)]
            var value = interesting[below(interesting.count)]
            if below(4) == 0 { value = generator.next() }
            let start = below(bytes.count)
            for offset in 0..<width where start + offset < bytes.count {
                let shift = below(4) == 0 ? (width - 1 - offset) * 8 : offset * 8
                bytes[start + offset] = UInt8(truncatingIfNeeded: value >> UInt64(shift))
            }
        case 3:
            let digits = bytes.indices.filter { (0x30...0x39).contains(bytes[$0]) }
            guard !digits.isEmpty else { return }
            var start = digits[below(digits.count)]
            var end = start + 1
            while start > 0, (0x30...0x39).contains(bytes[start - 1]) { start -= 1 }
            while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
            bytes.replaceSubrange(start..<end, with: Array(interestingNumbers[below(interestingNumbers.count)].utf8))
        case 4:
            let start = below(bytes.count)
            for index in start..<min(bytes.count, start + 1 + below(16)) {
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
        case 5:
            bytes += (0..<(1 + below(64))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        case 6:
            let start = below(bytes.count)
            let chunk = bytes[start..<min(bytes.count, start + 1 + below(32))]
            bytes.insert(contentsOf: chunk, at: below(bytes.count + 1))
        default:
            bytes = (0..<below(2 * bytes.count + 16)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
    }
}
