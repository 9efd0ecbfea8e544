public import FoundationEssentials

/// A fresh directory in the system's temporary folder, removed with everything in it when the
/// value is released.
///
/// ```swift
/// let scratch = try ScratchDirectory(prefix: "embcache-output")
/// let path = scratch.url.appendingPathComponent("out.bin").path
/// ```
public final class ScratchDirectory: Sendable {
    /// The directory.
    public let url: URL

    /// Creates `<temporary folder>/<prefix>-<UUID>`.
    ///
    /// - Parameter prefix: The start of the directory's name, to tell whose it is.
    /// - Throws: When the directory cannot be created.
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The directory's path.
    public var path: String { url.path }
}
