import Foundation

/// An output file that could not be written.
///
/// Its description names the file and the reason, such as `cannot write 'out.npy': the disk is full`.
///
/// ```swift
/// do { try OutputFile.write(data, to: path) } catch let error as OutputError { print(error) }
/// ```
public struct OutputError: Error, CustomStringConvertible, Sendable {
    /// The output path.
    public var path: String
    /// Why, for people.
    public var reason: String

    /// Describes a failed output.
    ///
    /// - Parameters:
    ///   - path: The output path.
    ///   - reason: Why, for people.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot write 'PATH': REASON`.
    public var description: String { "cannot write '\(path)': \(reason)" }

    /// A short reason for a failed system call, naming a full disk plainly.
    ///
    /// - Parameter code: The `errno` value.
    /// - Returns: `the disk is full` for `ENOSPC`, else the system's message.
    public static func reason(errno code: Int32) -> String {
        code == ENOSPC ? "the disk is full" : String(cString: strerror(code))
    }
}
