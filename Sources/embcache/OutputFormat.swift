/// Chooses an output by the extension of its path.
enum OutputFormat: String {
    case npy
    case safetensors

    /// The format `path`'s extension names, or `nil`.
    init?(path: String) {
        guard let dot = path.lastIndex(of: "."),
            let format = OutputFormat(rawValue: path[path.index(after: dot)...].lowercased())
        else { return nil }
        self = format
    }

    /// Creates the output for `rowCount` inputs.
    func makeOutput(path: String, rowCount: Int) throws -> any EmbeddingOutput {
        switch self {
        case .npy: NPYOutput(path: path, rowCount: rowCount)
        case .safetensors: try SafetensorsOutput(path: path, rowCount: rowCount)
        }
    }
}
