public import ArgumentParser
public import EmbeddingCache

/// `--storage lossless|float16|bfloat16|float16-saturating|bfloat16-saturating`.
extension StoragePolicy: ExpressibleByArgument {}
