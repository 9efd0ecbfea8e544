/// Chooses an output by the extension of its path.
///
/// ```swift
/// let output = try OutputFormat(path: "out.npy")?.makeOutput(path: "out.npy", rowCount: 10)
/// ```
public enum OutputFormat: String, Sendable {
    /// A NumPy matrix, one row per input (``NPYOutput``).
    case npy
    /// Every tensor of every record, named `<row>/<tensor name>` (``SafetensorsOutput``).
    case safetensors

    /// The format `path`'s extension names, or `nil`.
    ///
    /// - Parameter path: The output path; its extension is compared without case.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."),
            let format = OutputFormat(rawValue: path[path.index(after: dot)...].lowercased())
        else { return nil }
        self = format
    }

    /// Creates the output for `rowCount` inputs.
    ///
    /// - Parameters:
    ///   - path: The output path.
    ///   - rowCount: How many rows (inputs) it will hold.
    /// - Returns: The output.
    /// - Throws: ``OutputError`` when the file cannot be created.
    public func makeOutput(path: String, rowCount: Int) throws -> any EmbeddingOutput {
        switch self {
        case .npy: NPYOutput(path: path, rowCount: rowCount)
        case .safetensors: try SafetensorsOutput(path: path, rowCount: rowCount)
        }
    }
}
