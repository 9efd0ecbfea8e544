public import EmbeddingCache
import Foundation

/// Turns `embed`'s PATH arguments into the list of files to embed.
///
/// Paths are kept in the order given. A folder expands to the regular files below it, recursively
/// (symbolic links to files included, linked folders not followed), skipping hidden files and
/// folders, sorted in bytewise order of their full path. A file whose name is not valid UTF-8
/// cannot be named by a Swift string: ``inputs(for:)`` reads it through its folder and embeds its
/// bytes under its name with the invalid bytes written `\xNN`; ``files(for:)`` names it as left
/// out.
///
/// ```swift
/// let inputs = try InputExpansion.inputs(for: ["photos/", "extra.png"])
/// ```
public enum InputExpansion {
    /// A file found below a folder: its path, as bytes.
    private struct Entry {
        var bytes: [UInt8]
        /// The path as a string, when its bytes are valid UTF-8.
        var path: String? { String(validating: bytes, as: UTF8.self) }
        /// The path with every byte that is not UTF-8 written `\xNN`, for messages and labels.
        var label: String {
            if let path { return path }
            var label = ""
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : 4
                if index + length <= bytes.count,
                    let character = String(validating: bytes[index..<(index + length)], as: UTF8.self)
                {
                    label += character
                    index += length
                } else {
                    label += "\\x" + String(lead, radix: 16, uppercase: true)
                    index += 1
                }
            }
            return label
        }
    }

    /// The inputs `paths` name: every file, including those whose names are not UTF-8.
    ///
    /// - Parameter paths: Files and folders, in order.
    /// - Returns: One input per file.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming a path that does not exist,
    ///   a folder that cannot be listed, or a file with a non-UTF-8 name that cannot be read.
    public static func inputs(for paths: [String]) throws -> [EmbeddingInput] {
        try entries(for: paths).map { entry in
            if let path = entry.path { return .file(path) }
            return .bytes(try read(entry), label: entry.label)
        }
    }

    /// The files `paths` name whose names are UTF-8, and the others, left out.
    ///
    /// - Parameter paths: Files and folders, in order.
    /// - Returns: The files, in order, and the left-out names with each byte that is not UTF-8
    ///   written `\xNN`.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming a path that does not exist or
    ///   a folder that cannot be listed.
    public static func files(for paths: [String]) throws -> (files: [String], leftOut: [String]) {
        let entries = try entries(for: paths)
        return (entries.compactMap(\.path), entries.filter { $0.path == nil }.map(\.label))
    }

    private static func entries(for paths: [String]) throws -> [Entry] {
        try paths.flatMap { path -> [Entry] in
            let bytes = Array(path.utf8)
            switch kind(of: bytes) {
            case .missing:
                throw EmbeddingCacheError(.inputUnreadable, "no such file or directory: '\(path)'", input: path)
            case .folder:
                return try entriesBelow(bytes).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            case .file, .other:
                return [Entry(bytes: bytes)]
            }
        }
    }

    private enum Kind { case missing, folder, file, other }

    private static func kind(of path: [UInt8]) -> Kind {
        var info = stat()
        guard withCString(path, { stat($0, &info) }) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// The names in a folder, as bytes, from `readdir` (which, unlike `FileManager`, keeps names
    /// that are not UTF-8).
    private static func entriesBelow(_ folder: [UInt8]) throws -> [Entry] {
        guard let directory = withCString(folder, { opendir($0) }) else {
            let path = Entry(bytes: folder).label
            throw EmbeddingCacheError(
                .inputUnreadable,
                "cannot list folder '\(path)'",
                input: path,
                underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            )
        }
        var names = [[UInt8]]()
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name.first != UInt8(ascii: ".") { names.append(name) }
        }
        closedir(directory)
        let prefix = folder.last == UInt8(ascii: "/") ? folder : folder + [UInt8(ascii: "/")]
        return try names.flatMap { name -> [Entry] in
            let path = prefix + name
            switch kind(of: path) {
            case .file: return [Entry(bytes: path)]
            case .folder where !isSymbolicLink(path): return try entriesBelow(path)
            default: return []
            }
        }
    }

    private static func isSymbolicLink(_ path: [UInt8]) -> Bool {
        var info = stat()
        return withCString(path, { lstat($0, &info) }) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// Reads the file at a path that is not UTF-8.
    private static func read(_ entry: Entry) throws -> Data {
        let descriptor = withCString(entry.bytes) { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw EmbeddingCacheError(
                .inputUnreadable,
                "cannot read '\(entry.label)'",
                input: entry.label,
                underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            )
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw EmbeddingCacheError(
                .inputUnreadable,
                "cannot read '\(entry.label)'",
                input: entry.label,
                underlying: error
            )
        }
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string.
    private static func withCString<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
