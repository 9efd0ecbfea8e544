import ArgumentParser

extension ExitCode {
    /// Exit code 2: the command line was invalid.
    static let usage = ExitCode(2)
    /// Exit code 3: the run finished but some inputs failed.
    static let someInputsFailed = ExitCode(3)
    /// Exit code 4: `verify` found corrupt records that remain in the store.
    static let corruptRecordsRemain = ExitCode(4)
}
