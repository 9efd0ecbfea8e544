public import ArgumentParser
public import EmbeddingCacheDatasets

/// `--store-dtype float16|bfloat16`: another name for a down-casting `--storage-policy`.
extension StoreDType: ExpressibleByArgument {}
