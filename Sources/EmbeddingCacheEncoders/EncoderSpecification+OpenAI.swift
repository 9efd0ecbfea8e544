public import EmbeddingCache
public import EmbeddingCacheUpstream

extension EncoderSpecification {
    /// The scheme of OpenAI-compatible endpoints: `openai:URL?model=NAME&FIELD=VALUE…`.
    public static let openAIScheme = "openai"

    /// The encoder an `openai:` specification names: the endpoint at the base URL (as an OpenAI
    /// client's `base_url` takes it), `model` as the request's model, and every other parameter sent
    /// as a request field (a whole number as a JSON integer, anything else as a string), so
    /// `openai:URL?model=m&dimensions=256` caches in the same namespace as `embcache serve`
    /// requests `{"model": "m", "dimensions": 256}`. The API key comes from
    /// `EMBCACHE_UPSTREAM_API_KEY`, else `OPENAI_API_KEY`.
    ///
    /// ```swift
    /// let encoder = try EncoderSpecification(parsing: "openai:http://127.0.0.1:8000/v1?model=e5").makeUpstreamEncoder()
    /// ```
    ///
    /// - Returns: The encoder.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` when the URL is not an
    ///   http(s) base URL or `model` is missing.
    public func makeUpstreamEncoder() throws(EmbeddingCacheError) -> UpstreamEncoder {
        var fields = [String: JSONValue]()
        var model: String?
        for (key, value) in parameters {
            if key == "model" {
                model = value
            } else {
                fields[key] = Int64(value).map(JSONValue.integer) ?? .string(value)
            }
        }
        guard let model, !model.isEmpty else {
            throw EmbeddingCacheError(.invalidArgument, "encoder '\(self)' needs ?model=NAME")
        }
        let configuration = OpenAIUpstream.Configuration(baseURL: name, apiKey: OpenAIUpstream.Configuration.apiKey())
        try configuration.validate()
        return UpstreamEncoder(
            upstream: OpenAIUpstream(configuration: configuration),
            parameters: EmbeddingsParameters(model: model, fields: fields),
            kind: .text
        )
    }
}
