import ArgumentParser

extension ExitCode {
    /// Exit code 2: the command line was invalid.
    static let usage = ExitCode(2)
    /// Exit code 3: the run finished but some inputs failed.
    static let someInputsFailed = ExitCode(3)
}
