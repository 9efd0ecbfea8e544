public import ArgumentParser
public import EmbeddingCacheSimulation

/// `--strategies none,path,sha,pixel,phash`.
extension CacheStrategy: ExpressibleByArgument {}

/// `--kind lossless|lossy|rename|edit|mixed`.
extension ChurnKind: ExpressibleByArgument {}
