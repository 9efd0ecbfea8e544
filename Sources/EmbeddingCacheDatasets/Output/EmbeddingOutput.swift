public import EmbeddingCache

/// Where an ``EmbedRun``'s rows go, one per input in input order.
///
/// ```swift
/// let output = try OutputFormat(path: "out.npy")!.makeOutput(path: "out.npy", rowCount: inputs.count)
/// ```
public protocol EmbeddingOutput: AnyObject {
    /// Appends the next input's record, or `nil` for an input that failed.
    ///
    /// - Parameter record: The record, or `nil` for a failed input.
    /// - Throws: ``OutputError`` when the record cannot be written.
    func append(_ record: TensorRecord?) throws
    /// Completes the file and moves it into place.
    ///
    /// - Throws: ``OutputError`` when the file cannot be completed.
    func finish() throws
    /// Deletes the incomplete file after the run failed.
    func discard()
}
