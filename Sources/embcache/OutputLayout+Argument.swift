public import ArgumentParser
public import EmbeddingCacheDatasets

/// `--layout rows|stacked`.
extension OutputFormat.Layout: ExpressibleByArgument {}
