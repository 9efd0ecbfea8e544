public import ArgumentParser
public import EmbeddingCache

/// `--storage-policy lossless|float16|bfloat16`.
extension StoragePolicy: ExpressibleByArgument {}
