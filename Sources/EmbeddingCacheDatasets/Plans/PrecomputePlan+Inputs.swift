public import EmbeddingCache

extension PrecomputePlan.Field {
    /// The input one sample gives this field, or why it gives none (naming the sample and field).
    ///
    /// A single file key is a plain file input, keyed as `embed` keys that file; a list key is a
    /// composite of its files in order; a text key or a literal is a text input; two or more
    /// sources make one composite, in which a list key is not allowed (it would blur the framing).
    ///
    /// - Parameters:
    ///   - sample: The sample whose values to read.
    ///   - manifest: The sample's manifest, which resolves relative paths.
    /// - Returns: The input, or an ``EmbeddingCacheError`` `.invalidInput` naming the sample, the
    ///   field and the key that is missing or of the wrong kind.
    public func input(for sample: Manifest.Sample, in manifest: Manifest) -> Result<EmbeddingInput, EmbeddingCacheError>
    {
        let label = "sample \(sample.id) field \(label)"
        do throws(EmbeddingCacheError) {
            if inputs.count == 1 {
                switch inputs[0] {
                case .file(let key):
                    switch try value(key, of: sample) {
                    case .string(let path): return .success(.file(manifest.resolve(path)))
                    case .list(let paths):
                        return .success(.composite(paths.map { .file(manifest.resolve($0)) }, label: label))
                    case .other: throw invalid(key, sample, "is not a path or a list of paths")
                    }
                case .text(let key): return .success(.text(try text(key, of: sample), label: label))
                case .literal(let text): return .success(.text(text, label: label))
                }
            }
            var parts = [EmbeddingInput.Part]()
            for source in inputs {
                switch source {
                case .file(let key):
                    guard case .string(let path) = try value(key, of: sample) else {
                        throw invalid(key, sample, "must be one path in a composite of several keys")
                    }
                    parts.append(.file(manifest.resolve(path)))
                case .text(let key): parts.append(.text(try text(key, of: sample)))
                case .literal(let text): parts.append(.text(text))
                }
            }
            return .success(.composite(parts, label: label))
        } catch {
            return .failure(error)
        }
    }

    private func value(_ key: String, of sample: Manifest.Sample) throws(EmbeddingCacheError) -> Manifest.Value {
        guard let value = sample.values[key] else { throw invalid(key, sample, "is missing") }
        return value
    }

    private func text(_ key: String, of sample: Manifest.Sample) throws(EmbeddingCacheError) -> String {
        guard case .string(let text) = try value(key, of: sample) else { throw invalid(key, sample, "is not a string") }
        return text
    }

    private func invalid(_ key: String, _ sample: Manifest.Sample, _ problem: String) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .invalidInput,
            "sample \(sample.id) field \(label): key '\(key)' \(problem)",
            input: sample.id
        )
    }
}
