public import ArgumentParser
public import EmbeddingCacheDatasets

/// `--on-miss compute|skip|error`.
extension TrainingExport.OnMiss: ExpressibleByArgument {}
