import EmbeddingCache
import Foundation

/// Turns `embed`'s PATH arguments into the list of files to embed.
///
/// Paths are kept in the order given. A folder expands to the regular files below it, recursively
/// (symbolic links to files included, linked folders not followed), skipping hidden files and
/// folders, sorted in bytewise order of their full path.
enum InputExpansion {
    /// The files `paths` name.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming a path that does not exist or
    ///   a folder that cannot be listed.
    static func files(for paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            switch kind(of: path) {
            case .missing:
                throw EmbeddingCacheError(.inputUnreadable, "no such file or directory: '\(path)'", input: path)
            case .folder:
                return try filesBelow(path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            case .file, .other:
                return [path]
            }
        }
    }

    private enum Kind { case missing, folder, file, other }

    private static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        default: return .other
        }
    }

    private static func filesBelow(_ folder: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw EmbeddingCacheError(
                .inputUnreadable,
                "cannot list folder '\(folder)'",
                input: folder,
                underlying: error
            )
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return try names.filter { !$0.hasPrefix(".") }.flatMap { name -> [String] in
            let path = prefix + name
            switch kind(of: path) {
            case .file: return [path]
            case .folder where !isSymbolicLink(path): return try filesBelow(path)
            default: return []
            }
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }
}
