import ArgumentParser
import Foundation

/// An `--older-than` value: a number and a unit, `s`, `m`, `h`, `d` or `w` (`30d`, `12h`, `1.5w`).
struct AgeArgument: ExpressibleByArgument {
    /// The age in seconds.
    var seconds: TimeInterval

    /// The longest age a command accepts: 100 years, far beyond any entry's age and well inside
    /// the range of the stores' millisecond timestamps.
    static let maximumSeconds: TimeInterval = 36_500 * 86_400

    private static let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    init?(argument: String) {
        guard let unit = argument.last.flatMap({ Self.units[$0] }), let number = Double(argument.dropLast()),
            number >= 0, number.isFinite
        else { return nil }
        seconds = number * unit
    }
}
