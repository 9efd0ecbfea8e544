public import ArgumentParser
public import EmbeddingCacheImages

/// `--hash phash|dhash`.
extension PerceptualHash.Algorithm: ExpressibleByArgument {}
