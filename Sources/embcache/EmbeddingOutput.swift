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
