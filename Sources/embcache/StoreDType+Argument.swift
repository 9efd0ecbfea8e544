public import ArgumentParser
public import EmbeddingCacheDatasets

/// `--store-dtype float16|bfloat16`: the older spelling of a down-casting `--storage`.
extension StoreDType: ExpressibleByArgument {}
