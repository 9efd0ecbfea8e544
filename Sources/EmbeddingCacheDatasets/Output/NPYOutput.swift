public import EmbeddingCache

/// `--output FILE.npy`: one matrix row per input, NaN for failed inputs.
///
/// The row shape and dtype come from the first record; the file is created then, with the rows of
/// earlier failed inputs written as NaN. When the number of rows is known at the start, the
/// header is written first and the rows after it; otherwise (inputs streamed from standard input)
/// the rows go to a spool file and are copied after the header at the end.
///
/// ```swift
/// let output = NPYOutput(path: "out.npy", rowCount: 3)
/// ```
public final class NPYOutput: EmbeddingOutput {
    private let path: String
    private let rowCount: Int?
    private var file: OutputFile?
    /// The rows, while the header waits for their count.
    private var spool: OutputFile?
    private var writer: NPYWriter?
    private var missingBeforeFirst = 0

    /// Prepares the file; nothing is created before the first record.
    ///
    /// - Parameters:
    ///   - path: The `.npy` file.
    ///   - rowCount: How many rows (inputs) it will hold, or `nil` when that is known only at the end.
    public init(path: String, rowCount: Int?) {
        self.path = path
        self.rowCount = rowCount
    }

    /// Appends a row: the record's only tensor, or NaN for a failed input.
    ///
    /// - Parameter record: The record, or `nil` for a failed input.
    /// - Throws: ``OutputError`` for a record of several tensors or when the file cannot be
    ///   written; ``EmbeddingCacheError`` for a row whose dtype or shape differs from the first.
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

    /// Checks the row count, writes the header before spooled rows, and moves the file into place.
    ///
    /// - Throws: ``OutputError`` when no input had a record (there is no row shape) or the file
    ///   cannot be completed.
    public func finish() throws {
        guard let writer, let file else {
            throw OutputError(path: path, reason: "no input has a record, so there is no row shape to write")
        }
        try writer.finish()
        if let spool {
            try file.write(NPYWriter.header(dtype: writer.dtype, shape: [writer.rowsWritten] + writer.rowShape))
            try file.append(spool: spool)
        }
        try file.commit()
    }

    /// Deletes the incomplete file.
    public func discard() {
        file?.discard()
        spool?.discard()
    }

    private func start(dtype: DType, rowShape: [Int]) throws {
        let file = try OutputFile(path: path)
        self.file = file
        let sink: OutputFile
        if rowCount == nil {
            sink = try OutputFile(path: path + ".rows")
            spool = sink
        } else {
            sink = file
        }
        var writer = try NPYWriter(dtype: dtype, rowShape: rowShape, rowCount: rowCount, sink: sink.write)
        for _ in 0..<missingBeforeFirst { try writer.appendMissingRow() }
        self.writer = writer
    }
}
