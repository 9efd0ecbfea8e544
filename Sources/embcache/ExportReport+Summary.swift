import EmbeddingCacheDatasets

extension ExportReport {
    /// One line for people.
    var summary: String {
        let time = (seconds * 1000).rounded() / 1000
        return "exported \(exported) of \(samples) samples (\(skipped.count) skipped, \(failed) failed) "
            + "as \(files) files, \(ByteSize.text(tensorBytes)) of tensors, in \(time) s to \(out)"
    }
}
