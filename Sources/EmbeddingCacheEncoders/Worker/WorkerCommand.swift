public import EmbeddingCache
import Foundation

/// The command line of a worker process, split shell-style into words; no shell is involved.
///
/// Words are separated by unquoted spaces, tabs or newlines. Single quotes keep everything up to
/// the next single quote; double quotes keep everything up to the next unescaped double quote,
/// where a backslash escapes `"`, `\`, `$` and `` ` ``; outside quotes a backslash keeps the next
/// character. There is no expansion of variables, globs or `~`.
///
/// ```swift
/// let command = try WorkerCommand(parsing: "python3 worker.py --model 'my model'")
/// // command.arguments == ["python3", "worker.py", "--model", "my model"]
/// ```
public struct WorkerCommand: Hashable, Sendable, CustomStringConvertible {
    /// The words: the program, then its arguments.
    public let arguments: [String]
    /// The command line as written.
    public let text: String

    /// Splits a command line.
    ///
    /// - Parameter text: The command line.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for an unterminated quote, a trailing
    ///   backslash, or a command line without words.
    public init(parsing text: String) throws(EmbeddingCacheError) {
        var splitter = Splitter()
        for character in text { splitter.feed(character) }
        guard let words = splitter.finish() else {
            throw EmbeddingCacheError(.invalidArgument, "worker command '\(text)' has an unterminated quote or escape")
        }
        guard !words.isEmpty else { throw EmbeddingCacheError(.invalidArgument, "the worker command is empty") }
        self.arguments = words
        self.text = text
    }

    /// The command line as written.
    public var description: String { text }

    /// The program's executable: the first word if it contains a `/`, else the first match on `PATH`.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` when no executable file is found.
    func executable() throws(EmbeddingCacheError) -> URL {
        let program = arguments[0]
        let candidates: [String]
        if program.contains("/") {
            candidates = [program]
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            candidates = path.split(separator: ":").map { "\($0)/\(program)" }
        }
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw EmbeddingCacheError(.invalidArgument, "worker command '\(text)': no executable '\(program)' found")
        }
        return URL(fileURLWithPath: found)
    }
}

/// A state machine splitting characters into shell-style words.
private struct Splitter {
    private enum State { case between, word, single, double, escaped, escapedInDouble }

    private var state = State.between
    private var word = ""
    private var words: [String] = []

    mutating func feed(_ character: Character) {
        switch (state, character) {
        case (.between, " "), (.between, "\t"), (.between, "\n"): break
        case (.word, " "), (.word, "\t"), (.word, "\n"):
            words.append(word)
            word = ""
            state = .between
        case (.between, "'"), (.word, "'"): state = .single
        case (.between, "\""), (.word, "\""): state = .double
        case (.between, "\\"), (.word, "\\"): state = .escaped
        case (.between, _), (.word, _):
            word.append(character)
            state = .word
        case (.single, "'"), (.double, "\""): state = .word
        case (.single, _): word.append(character)
        case (.double, "\\"): state = .escapedInDouble
        case (.double, _): word.append(character)
        case (.escaped, _):
            word.append(character)
            state = .word
        case (.escapedInDouble, _):
            if !"\"\\$`".contains(character) { word.append("\\") }
            word.append(character)
            state = .double
        }
    }

    /// The words, or `nil` when a quote or escape is left open.
    mutating func finish() -> [String]? {
        switch state {
        case .between: return words
        case .word: return words + [word]
        default: return nil
        }
    }
}
