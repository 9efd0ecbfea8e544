public import EmbeddingCache

/// `--output FILE.npy`: one matrix row per input, NaN for failed inputs.
///
/// The row shape and dtype come from the first record; the file is created then, with the rows of
/// earlier failed inputs written as NaN.
///
/// ```swift
/// let output = NPYOutput(path: "out.npy", rowCount: 3)
/// ```
public final class NPYOutput: EmbeddingOutput {
    private let path: String
    private let rowCount: Int
    private var file: OutputFile?
    private var writer: NPYWriter?
    private var missingBeforeFirst = 0

    /// Prepares the file; nothing is created before the first record.
    ///
    /// - Parameters:
    ///   - path: The `.npy` file.
    ///   - rowCount: How many rows (inputs) it will hold.
    public init(path: String, rowCount: Int) {
        self.path = path
        self.rowCount = rowCount
    }

    /// Appends a row: the record's one tensor, or NaN for a failed input.
    ///
    /// - Parameter record: The record, or `nil` for a failed input.
    /// - Throws: ``OutputError`` when the record holds more than one tensor or cannot be written.
    public func append(_ record: TensorRecord?) throws {
        guard let record else {
            if writer == nil { missingBeforeFirst += 1 } else { try writer?.appendMissingRow() }
            return
        }
        guard record.tensors.count == 1, let tensor = record.tensors.first?.tensor else {
            throw OutputError(
                path: path,
                reason:
                    ".npy holds one tensor per input, but records hold \(record.tensors.count) (\(record.names.joined(separator: ", "))); use .safetensors"
            )
        }
        if writer == nil { try start(dtype: tensor.dtype, rowShape: tensor.shape) }
        try writer?.append(tensor)
    }

    /// Completes the file and moves it into place.
    ///
    /// - Throws: ``OutputError`` when no input had a record, or the file cannot be completed.
    public func finish() throws {
        guard let writer, let file else {
            throw OutputError(path: path, reason: "no input has a record, so there is no row shape to write")
        }
        try writer.finish()
        try file.commit()
    }

    /// Deletes the incomplete file.
    public func discard() { file?.discard() }

    private func start(dtype: DType, rowShape: [Int]) throws {
        let file = try OutputFile(path: path)
        self.file = file
        var writer = try NPYWriter(dtype: dtype, rowShape: rowShape, rowCount: rowCount, sink: file.write)
        for _ in 0..<missingBeforeFirst { try writer.appendMissingRow() }
        self.writer = writer
    }
}
