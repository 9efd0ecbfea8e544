public import EmbeddingCache
import Foundation

/// `--output FILE.safetensors --layout stacked`: one tensor per record field, the rows of every
/// input stacked along a first dimension: `embedding` of shape `[inputs, 384]`.
///
/// Every record must hold the same fields with the same dtype and shape; a field that differs (a
/// ragged field) is refused by name. A failed input's row is NaN for float fields and zero
/// otherwise, and its index is listed in the `failed_rows` metadata. Each field's bytes are spooled
/// to a file of their own while the rows arrive, then copied after the header, so records are never
/// all held in memory, and the header stays small however many rows there are.
///
/// ```swift
/// let output = try StackedSafetensorsOutput(path: "out.safetensors")
/// ```
public final class StackedSafetensorsOutput: EmbeddingOutput {
    /// One stacked tensor: its name, its rows' dtype and shape, and its spooled bytes.
    private struct Field {
        let name: String
        let dtype: DType
        let shape: [Int]
        let spool: OutputFile
        /// The bytes of a failed input's row.
        let missingRow: Data
        /// The first row that set this field's dtype and shape.
        let firstRow: Int
    }

    private let file: OutputFile
    private var fields: [Field]?
    private var row = 0
    private var failedRows: [Int] = []

    /// Creates the file; the fields' spools are created with the first record.
    ///
    /// - Parameter path: The `.safetensors` file.
    /// - Throws: ``OutputError`` when the file cannot be created.
    public init(path: String) throws {
        file = try OutputFile(path: path)
    }

    /// Appends a row to every field, or a failed input's filler row.
    ///
    /// - Parameter record: The record, or `nil` for a failed input.
    /// - Throws: ``OutputError`` naming a ragged field, or when a spool cannot be written.
    public func append(_ record: TensorRecord?) throws {
        defer { row += 1 }
        guard let record else {
            failedRows.append(row)
            for field in fields ?? [] { try field.spool.write(field.missingRow) }
            return
        }
        let fields = try self.fields ?? start(record)
        guard record.names == fields.map(\.name) else {
            let names = { (names: [String]) in names.joined(separator: ", ") }
            throw ragged(
                "row \(row) holds the fields \(names(record.names)) where row \(fields[0].firstRow) held "
                    + names(fields.map(\.name))
            )
        }
        for (field, (_, tensor)) in zip(fields, record.tensors) {
            guard tensor.dtype == field.dtype, tensor.shape == field.shape else {
                throw ragged(
                    "field '\(field.name)' is \(tensor.dtype) \(tensor.shape) in row \(row) "
                        + "but \(field.dtype) \(field.shape) in row \(field.firstRow)"
                )
            }
            try field.spool.write(tensor.data)
        }
    }

    /// Writes the header, copies every field's spool after it, and moves the file into place.
    ///
    /// - Throws: ``OutputError`` when no input had a record or the file cannot be completed.
    public func finish() throws {
        guard let fields else {
            throw OutputError(path: file.path, reason: "no input has a record, so there is no field to stack")
        }
        var layout = SafetensorsWriter()
        for field in fields { try layout.declare(field.name, dtype: field.dtype, shape: [row] + field.shape) }
        layout.metadata = [
            "rows": "\(row)", "layout": "stacked",
            "failed_rows": failedRows.map(String.init).joined(separator: ","),
        ]
        try file.write(layout.header())
        for field in fields { try file.append(spool: field.spool) }
        try file.commit()
    }

    /// Deletes the incomplete file and the spools.
    public func discard() {
        file.discard()
        for field in fields ?? [] { field.spool.discard() }
    }

    /// Creates one spool per field of the first record, filled with the rows that failed before it.
    private func start(_ record: TensorRecord) throws -> [Field] {
        let fields = try record.tensors.enumerated().map { index, named in
            let (name, tensor) = named
            let count = tensor.shape.reduce(1, *)
            return Field(
                name: name,
                dtype: tensor.dtype,
                shape: tensor.shape,
                spool: try OutputFile(path: "\(file.path).\(index).data"),
                missingRow: tensor.dtype.missingValues(count: count) ?? Data(count: count * tensor.dtype.byteWidth),
                firstRow: row
            )
        }
        for field in fields {
            for _ in failedRows { try field.spool.write(field.missingRow) }
        }
        self.fields = fields
        return fields
    }

    private func ragged(_ detail: String) -> OutputError {
        OutputError(
            path: file.path,
            reason: "--layout stacked needs every record alike: \(detail); use the default layout"
        )
    }
}
