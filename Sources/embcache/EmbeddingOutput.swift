import EmbeddingCache

/// Where `embed --output` rows go, one per input in input order.
protocol EmbeddingOutput: AnyObject {
    /// Appends the next input's record, or `nil` for an input that failed.
    func append(_ record: TensorRecord?) throws
    /// Completes the file and moves it into place.
    func finish() throws
    /// Deletes the incomplete file after the run failed.
    func discard()
}

/// Chooses an output by the extension of its path.
enum OutputFormat: String, CaseIterable {
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
