import Foundation

/// Writes human-readable lines to stderr, keeping stdout for `--json` output.
enum StandardError {
    /// Whether stderr is a terminal (progress bars are drawn only then).
    static var isTerminal: Bool { isatty(FileHandle.standardError.fileDescriptor) != 0 }

    /// Writes `text` and a newline to stderr.
    static func print(_ text: String) {
        write(text + "\n")
    }

    /// Writes `text` as is to stderr.
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
