public import EmbeddingCache
import Foundation

/// `--output FILE.safetensors`: every tensor of every record, named `<row>/<tensor name>`.
///
/// Tensor bytes are spooled to a side file while the header is laid out; at the end the header is
/// written and the spool copied after it, so records are never all held in memory. A failed
/// input has no tensors; its row index is listed in the `failed_rows` metadata.
///
/// ```swift
/// let output = try SafetensorsOutput(path: "out.safetensors")
/// ```
public final class SafetensorsOutput: EmbeddingOutput {
    private let file: OutputFile
    private let spool: OutputFile
    private var layout = SafetensorsWriter()
    private var row = 0
    private var failedRows: [Int] = []

    /// Creates the file and its data spool.
    ///
    /// - Parameters:
    /// - Parameter path: The `.safetensors` file.
    /// - Throws: ``OutputError`` when a file cannot be created.
    public init(path: String) throws {
        file = try OutputFile(path: path)
        spool = try OutputFile(path: path + ".data")
    }

    /// Appends a row's tensors, or lists a failed input's row.
    ///
    /// - Parameter record: The record, or `nil` for a failed input.
    /// - Throws: ``OutputError`` when the spool cannot be written; ``EmbeddingCacheError`` for a
    ///   tensor the header cannot describe.
    public func append(_ record: TensorRecord?) throws {
        defer { row += 1 }
        guard let record else {
            failedRows.append(row)
            return
        }
        for (name, tensor) in record.tensors {
            try layout.declare("\(row)/\(name)", dtype: tensor.dtype, shape: tensor.shape)
            try spool.write(tensor.data)
        }
    }

    /// Writes the header, copies the spool after it, and moves the file into place.
    ///
    /// - Throws: ``OutputError`` when the file cannot be completed.
    public func finish() throws {
        layout.metadata = ["rows": "\(row)", "failed_rows": failedRows.map(String.init).joined(separator: ",")]
        try file.write(layout.header())
        try file.append(spool: spool)
        try file.commit()
    }

    /// Deletes the incomplete file and its spool.
    public func discard() {
        file.discard()
        spool.discard()
    }
}
