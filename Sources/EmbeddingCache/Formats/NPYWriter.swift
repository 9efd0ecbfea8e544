public import FoundationEssentials

/// Writes a matrix of records to a numpy `.npy` file (format version 1.0), one row per record.
///
/// Every row is one tensor of one dtype and one shape; the file's shape is `(rowCount, ...)` of
/// that row shape, so a run of 384-float32 embeddings becomes a `(rows, 384)` `<f4` matrix. The
/// header is written when the writer is created and each row as it is appended, so the matrix is
/// streamed through `sink` and never held in memory. A missing row (a failed input) is written as
/// NaN, so rows stay aligned with inputs. numpy has no bfloat16, so bfloat16 rows are rejected.
///
/// ```swift
/// let handle = try FileHandle(forWritingTo: url)
/// var writer = try NPYWriter(dtype: .float32, rowShape: [384], rowCount: 2) { try handle.write(contentsOf: $0) }
/// try writer.append(tensor)
/// try writer.appendMissingRow()
/// try writer.finish()
/// ```
public struct NPYWriter {
    /// The element type of every row.
    public let dtype: DType
    /// The shape of one row (one record's tensor).
    public let rowShape: [Int]
    /// The number of rows the header announces; `nil` when the writer writes rows only, and the
    /// caller writes the header (``header(dtype:shape:)``) once the count is known.
    public let rowCount: Int?
    /// The rows written so far.
    public private(set) var rowsWritten = 0

    private let sink: (Data) throws -> Void

    /// Creates a writer and writes the `.npy` header through `sink`, unless `rowCount` is `nil`.
    ///
    /// - Parameters:
    ///   - dtype: The element type; any dtype but bfloat16.
    ///   - rowShape: The shape of each row's tensor.
    ///   - rowCount: The number of rows that will be appended, or `nil` to write the rows only.
    ///   - sink: Receives the file's bytes, in order.
    /// - Throws: ``EmbeddingCacheError/Code/unsupported`` for bfloat16, or what `sink` throws.
    public init(dtype: DType, rowShape: [Int], rowCount: Int?, sink: @escaping (Data) throws -> Void) throws {
        let header = try Self.header(dtype: dtype, shape: [rowCount ?? 0] + rowShape)
        self.dtype = dtype
        self.rowShape = rowShape
        self.rowCount = rowCount
        self.sink = sink
        if rowCount != nil { try sink(header) }
    }

    /// Appends one row.
    ///
    /// - Parameter tensor: The row; its dtype and shape must be the writer's.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for another dtype or shape or one row
    ///   too many, or what `sink` throws.
    public mutating func append(_ tensor: Tensor) throws {
        guard tensor.dtype == dtype, tensor.shape == rowShape else {
            throw EmbeddingCacheError(
                .invalidArgument,
                ".npy holds one matrix of \(dtype) rows of shape \(rowShape); row \(rowsWritten) is \(tensor.dtype) of shape \(tensor.shape)"
            )
        }
        try write(tensor.data)
    }

    /// Appends a row of NaN for an input that has no record.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/unsupported`` when the dtype is not a float type (it
    ///   has no NaN), or what `sink` throws.
    public mutating func appendMissingRow() throws {
        guard let nan = dtype.missingValues(count: rowShape.reduce(1, *)) else {
            throw EmbeddingCacheError(
                .unsupported,
                "row \(rowsWritten) has no record and \(dtype) has no NaN to mark it"
            )
        }
        try write(nan)
    }

    /// Checks that every announced row was written (nothing to check without a row count).
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` when rows are missing.
    public func finish() throws {
        if let rowCount, rowsWritten != rowCount {
            throw EmbeddingCacheError(
                .invalidArgument,
                ".npy header announces \(rowCount) rows but \(rowsWritten) were written"
            )
        }
    }

    private mutating func write(_ row: Data) throws {
        if let rowCount, rowsWritten >= rowCount {
            throw EmbeddingCacheError(.invalidArgument, ".npy header announces \(rowCount) rows; cannot write another")
        }
        try sink(row)
        rowsWritten += 1
    }

    /// The header of a `.npy` file of `shape`: the magic string, version 1.0, the header length
    /// and the header dictionary, padded with spaces and a newline to a multiple of 64 bytes.
    ///
    /// - Parameters:
    ///   - dtype: The element type; any dtype but bfloat16.
    ///   - shape: The matrix's shape, rows first.
    /// - Returns: The header's bytes.
    /// - Throws: ``EmbeddingCacheError/Code/unsupported`` for bfloat16.
    public static func header(dtype: DType, shape: [Int]) throws -> Data {
        guard let descriptor = dtype.numpyDescriptor else {
            throw EmbeddingCacheError(
                .unsupported,
                "numpy has no bfloat16 type; write .safetensors, or store with --storage float16"
            )
        }
        let dimensions = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var dictionary = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (\(dimensions)), }"
        let prefixLength = 10
        let padding = (64 - (prefixLength + dictionary.utf8.count + 1) % 64) % 64
        dictionary += String(repeating: " ", count: padding) + "\n"
        var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dictionary.utf8.count)
        bytes.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        bytes.append(contentsOf: Array(dictionary.utf8))
        return bytes
    }
}
