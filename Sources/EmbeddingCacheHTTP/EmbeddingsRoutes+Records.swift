import EmbeddingCache
import EmbeddingCacheUpstream
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

extension EmbeddingsRoutes {
    /// `POST /v1/records/get`: the records of a namespace by digest, verified, as one safetensors
    /// body (``RecordsBody``) whose `missing` metadata lists the digests not served.
    ///
    /// The body is streamed: its header, then each tensor's bytes, each copied once from the
    /// record (the store's memory, or a mapped side file) into the buffer written to the socket.
    func getRecords(_ request: Request, context: some RequestContext) async throws -> Response {
        _ = try scope(of: request)
        let asked = try RecordsRequest(parsing: try await body(of: request))
        let findings: [LookupFinding]
        do {
            findings = try await store.verifiedRecords(for: asked.digests, in: asked.namespace)
        } catch {
            context.logger.error("records get: the store failed", metadata: ["error": "\(error)"])
            throw OpenAIError(status: .internalServerError, message: "the store failed", type: "server_error")
        }
        var found = [(digest: ContentDigest, record: TensorRecord)]()
        var missing = [ContentDigest]()
        var corrupt = 0
        for (digest, finding) in zip(asked.digests, findings) {
            switch finding {
            case .found(let record): found.append((digest, record))
            case .absent: missing.append(digest)
            case .corrupt:
                corrupt += 1
                missing.append(digest)
            }
        }
        let bytes = found.reduce(0) { $0 + $1.record.byteCount }
        guard bytes <= maximumRecordsResponseBytes else {
            throw OpenAIError(
                status: .badRequest,
                message:
                    "the \(found.count) records asked for hold \(bytes) bytes, more than the \(maximumRecordsResponseBytes) one answer may carry; ask for fewer digests per request",
                param: "digests",
                code: "response_too_large"
            )
        }
        let missingList = "[" + missing.map { "\"\($0.hex)\"" }.joined(separator: ",") + "]"
        let (header, tensors) = RecordsBody.encoded(found, metadata: [RecordsBody.missingKey: missingList])
        context.logger.info(
            "records get",
            metadata: ["records": "\(asked.digests.count)", "hits": "\(found.count)", "corrupt": "\(corrupt)"]
        )
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[Self.hitsHeader] = String(found.count)
        headers[Self.missesHeader] = String(missing.count)
        let stream = ResponseBody(contentLength: header.count + bytes) { writer in
            try await writer.write(ByteBuffer(data: header))
            for tensor in tensors where !tensor.isEmpty { try await writer.write(ByteBuffer(data: tensor)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: stream)
    }

    /// `POST /v1/records/put`: stores the records of a safetensors body (``RecordsBody``) in the
    /// namespace its `namespace` metadata names, in one transaction; needs a `write` token.
    func putRecords(_ request: Request, context: some RequestContext) async throws -> Response {
        guard try scope(of: request) == .write else {
            throw OpenAIError(
                status: .forbidden,
                message: "this token may only read the cache; putting records needs a write token",
                code: "read_only_token"
            )
        }
        let (metadata, records) = try RecordsBody.decoded(try await body(of: request))
        guard let text = metadata[RecordsBody.namespaceKey],
            let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        else {
            throw OpenAIError(
                status: .badRequest,
                message:
                    "the body's __metadata__ must hold 'namespace': a JSON object {\"model\": …, \"preprocessing\": …, \"storage\": …}",
                param: "__metadata__.namespace"
            )
        }
        let namespace = try RecordsRequest.namespace(value, param: "__metadata__.namespace")
        do {
            try await store.putRecords(records, in: namespace)
        } catch let error as EmbeddingCacheError where error.code == .invalidInput {
            throw OpenAIError(status: .badRequest, message: error.message, code: "invalid_record")
        } catch {
            context.logger.error("records put: the store failed", metadata: ["error": "\(error)"])
            throw OpenAIError(status: .internalServerError, message: "the store failed", type: "server_error")
        }
        context.logger.info("records put", metadata: ["records": "\(records.count)"])
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: #"{"stored":\#(records.count)}"#))
        )
    }
}
