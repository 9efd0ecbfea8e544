import Foundation

/// A file written under a temporary name and moved into place only when complete, so a failed run
/// never leaves a truncated output behind.
final class OutputFile {
    /// The final path.
    let path: String
    private let partialPath: String
    private let handle: FileHandle

    /// Creates (or truncates) `<path>.partial` for writing.
    ///
    /// - Throws: ``OutputError`` when the file cannot be created.
    init(path: String) throws {
        self.path = path
        partialPath = path + ".partial"
        guard FileManager.default.createFile(atPath: partialPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: partialPath)
        else { throw OutputError(path: path, reason: "cannot create \(partialPath)") }
        self.handle = handle
    }

    /// Appends bytes.
    ///
    /// - Throws: ``OutputError`` when the write fails, for instance on a full disk.
    func write(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw OutputError(path: path, reason: OutputError.reason(for: error))
        }
    }

    /// Closes the file and moves it to its final path.
    func commit() throws {
        try? handle.close()
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partialPath, toPath: path)
        } catch {
            throw OutputError(path: path, reason: OutputError.reason(for: error))
        }
    }

    /// Closes and deletes the partial file.
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }
}

/// An `--output` file that could not be written.
struct OutputError: Error, CustomStringConvertible {
    /// The output path.
    var path: String
    /// Why, for people.
    var reason: String

    var description: String { "cannot write '\(path)': \(reason)" }

    /// A short reason for a file-system error, naming a full disk plainly.
    static func reason(for error: any Error) -> String {
        if (error as? CocoaError)?.code == .fileWriteOutOfSpace || (error as? POSIXError)?.code == .ENOSPC {
            return "the disk is full"
        }
        return String(describing: error)
    }
}
