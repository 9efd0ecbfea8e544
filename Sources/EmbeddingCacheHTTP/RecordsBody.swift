public import EmbeddingCache
public import Foundation
import HTTPTypes

/// The safetensors bodies of the record API: records by digest, each tensor named
/// `<digest>/<tensor name>` (the digest as 64 lowercase hexadecimal digits), plus string metadata.
///
/// Records follow one another in the data section, each one's tensors back to back in record
/// order, so a reader rebuilds every record's order from the tensors' `data_offsets`.
/// `POST /v1/records/get` answers this with `__metadata__` `missing`; `POST /v1/records/put` takes it
/// with `__metadata__` `namespace`.
///
/// ```swift
/// let (header, tensors) = RecordsBody.encoded([(digest, record)], metadata: ["missing": "[]"])
/// let parsed = try RecordsBody.decoded(Data(header + tensors.joined()))
/// ```
public enum RecordsBody {
    /// The `__metadata__` key of a get's answer: a JSON array of the digests asked for that are
    /// not served (absent, or stored but failing their checksum), in request order.
    public static let missingKey = "missing"
    /// The `__metadata__` key of a put's body: a JSON object naming the namespace by its parts,
    /// `{"model": …, "preprocessing": …, "storage": …}`.
    public static let namespaceKey = "namespace"

    /// Lays records out as one safetensors body.
    ///
    /// - Parameters:
    ///   - records: The records with their digests, in order; digests should not repeat.
    ///   - metadata: The `__metadata__` strings.
    /// - Returns: The header (length and JSON) and every tensor's bytes, in body order; the body is
    ///   their concatenation. The tensors' bytes are the records' own, not copies.
    public static func encoded(
        _ records: [(digest: ContentDigest, record: TensorRecord)],
        metadata: [String: String]
    ) -> (header: Data, tensors: [Data]) {
        var layout = SafetensorsWriter(metadata: metadata)
        var tensors = [Data]()
        for (digest, record) in records {
            let hex = digest.hex
            for (name, tensor) in record.tensors {
                // Record names are unique and digests distinct, so no name repeats.
                try? layout.declare("\(hex)/\(name)", dtype: tensor.dtype, shape: tensor.shape)
                tensors.append(tensor.data)
            }
        }
        return (layout.header(), tensors)
    }

    /// Parses a body into records by digest, and its metadata.
    ///
    /// - Parameter body: A safetensors body.
    /// - Returns: The `__metadata__` strings, and the records in the order of their first tensor's
    ///   bytes, each record's tensors in the order of their bytes.
    /// - Throws: ``OpenAIError`` 400 naming the problem: the body is not safetensors (truncated, a
    ///   header that is not JSON or declares sizes or offsets beyond the body, an unknown dtype, a
    ///   shape that does not fit its bytes), a tensor is not named `<digest>/<name>`, or more than
    ///   ``RecordsRequest/maximumDigests`` records.
    public static func decoded(
        _ body: Data
    ) throws(OpenAIError) -> (metadata: [String: String], records: [(digest: ContentDigest, record: TensorRecord)]) {
        let file: SafetensorsReader
        do {
            file = try SafetensorsReader(data: body)
        } catch {
            throw OpenAIError(status: .badRequest, message: "the body is \(error.message)", code: "invalid_safetensors")
        }
        var order = [ContentDigest]()
        var tensors = [ContentDigest: [(name: String, tensor: Tensor)]]()
        for (name, tensor) in file.tensors {
            guard let slash = name.firstIndex(of: "/"), let digest = ContentDigest(hex: name[..<slash]),
                name.index(after: slash) < name.endIndex
            else {
                throw OpenAIError(
                    status: .badRequest,
                    message: "the tensor '\(name.prefix(80))' is not named <64-hex-digit digest>/<tensor name>",
                    code: "invalid_tensor_name"
                )
            }
            if tensors[digest] == nil { order.append(digest) }
            tensors[digest, default: []].append((String(name[name.index(after: slash)...]), tensor))
        }
        guard order.count <= RecordsRequest.maximumDigests else {
            throw OpenAIError(
                status: .badRequest,
                message: "the body holds \(order.count) records; at most \(RecordsRequest.maximumDigests) per request"
            )
        }
        var records = [(digest: ContentDigest, record: TensorRecord)]()
        records.reserveCapacity(order.count)
        for digest in order {
            do {
                records.append((digest, try TensorRecord(tensors[digest] ?? [])))
            } catch {
                throw OpenAIError(
                    status: .badRequest,
                    message: "the record \(digest.hex): \(error.message)",
                    code: "invalid_tensor_name"
                )
            }
        }
        return (file.metadata, records)
    }
}
