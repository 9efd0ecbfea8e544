import ArgumentParser
import Testing

@testable import embcache

/// Numeric flags whose value is infinite, not a number or absurdly large are usage errors naming
/// the flag, never a trap when the value is converted later.
struct NumericFlagTests {
    @Test(arguments: [
        (["embed", "a", "--encoder", "builtin:bytes", "--lease-seconds", "inf"], "--lease-seconds"),
        (["embed", "a", "--encoder", "builtin:bytes", "--lease-seconds", "nan"], "--lease-seconds"),
        (["embed", "a", "--encoder", "builtin:bytes", "--lease-seconds", "1e300"], "--lease-seconds"),
        (["embed", "a", "--encoder", "builtin:bytes", "--lease-seconds", "-1"], "--lease-seconds"),
        (["embed", "a", "--encoder", "builtin:bytes", "--worker-timeout", "inf"], "--worker-timeout"),
        (["embed", "a", "--encoder", "builtin:bytes", "--worker-timeout", "nan"], "--worker-timeout"),
        (["prune", "--older-than", "1e300s"], "--older-than"),
        (["prune", "--older-than", "1e15w"], "--older-than"),
        (["prune", "--older-than", "infd"], "--older-than"),
        (["prune", "--older-than", "nans"], "--older-than"),
        (["prune", "--max-size", "1e300GB"], "--max-size"),
        (["prune", "--max-size", "nanGB"], "--max-size"),
    ])
    func outOfRangeValuesAreUsageErrors(arguments: [String], flag: String) {
        do {
            _ = try Embcache.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed, expected a usage error")
        } catch {
            #expect(Embcache.exitCode(for: error) == .validationFailure, "\(arguments)")
            #expect(Embcache.message(for: error).contains(flag), "\(Embcache.message(for: error))")
        }
    }

    @Test func largestAcceptedValuesParse() throws {
        let embed = try #require(
            try Embcache.parseAsRoot(["embed", "a", "--encoder", "builtin:bytes", "--lease-seconds", "1000000"])
                as? EmbedCommand
        )
        #expect(embed.encodingOptions.leaseSeconds == 1_000_000)
        let prune = try #require(try Embcache.parseAsRoot(["prune", "--older-than", "36500d"]) as? PruneCommand)
        #expect(prune.olderThan?.seconds == 36_500.0 * 86_400)
    }
}
