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

    /// How a `.safetensors` output lays its rows out.
    public enum Layout: String, Sendable, CaseIterable {
        /// Every tensor of every record, named `<row>/<tensor name>` (``SafetensorsOutput``).
        case rows
        /// One tensor per field, the rows stacked (``StackedSafetensorsOutput``).
        case stacked
    }

    /// Creates the output.
    ///
    /// - Parameters:
    ///   - path: The output path.
    ///   - rowCount: How many rows (inputs) it will hold, or `nil` when that is known only at the
    ///     end (inputs streamed from standard input).
    ///   - layout: How a `.safetensors` output lays out its rows; `.npy` is always stacked.
    /// - Returns: The output.
    /// - Throws: ``OutputError`` when the file cannot be created.
    public func makeOutput(path: String, rowCount: Int?, layout: Layout = .rows) throws -> any EmbeddingOutput {
        switch (self, layout) {
        case (.npy, _): NPYOutput(path: path, rowCount: rowCount)
        case (.safetensors, .rows): try SafetensorsOutput(path: path)
        case (.safetensors, .stacked): try StackedSafetensorsOutput(path: path)
        }
    }
}
