import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheUpstream
import Testing

/// What the cache key of a request is made of.
struct EmbeddingsParametersTests {
    static let base = EmbeddingsParameters(model: "m", fields: ["dimensions": .integer(256)])

    @Test func userAndEncodingFormatAreNotPartOfTheKey() {
        let other = EmbeddingsParameters(
            model: "m",
            fields: ["dimensions": .integer(256), "user": .string("u"), "encoding_format": .string("base64")]
        )
        #expect(
            other.namespace(for: .text, statedIdentity: nil) == Self.base.namespace(for: .text, statedIdentity: nil)
        )
    }

    @Test func everyOtherFieldTheModelAndTheInputKindAre() {
        let namespace = Self.base.namespace(for: .text, statedIdentity: nil)
        let others = [
            EmbeddingsParameters(model: "m", fields: ["dimensions": .integer(128)]),
            EmbeddingsParameters(model: "m", fields: ["dimensions": .integer(256), "input_type": .string("query")]),
            EmbeddingsParameters(model: "m2", fields: ["dimensions": .integer(256)]),
        ].map { $0.namespace(for: .text, statedIdentity: nil) }
        for other in others { #expect(other != namespace) }
        #expect(Self.base.namespace(for: .tokens, statedIdentity: nil) != namespace)
    }

    @Test func theUpstreamsStatedIdentityIsAddedToTheModelString() {
        let stated = Self.base.namespace(for: .text, statedIdentity: "sha-1")
        #expect(stated.model == "m @ sha-1")
        #expect(stated.preprocessing == Self.base.namespace(for: .text, statedIdentity: nil).preprocessing)
    }

    @Test func anEncoderSpecificationKeysAsTheSameRequestWould() throws {
        let encoder = try EncoderSpecification(parsing: "openai:http://127.0.0.1:1/v1?model=m&dimensions=256")
            .makeUpstreamEncoder()
        #expect(encoder.namespace == Self.base.namespace(for: .text, statedIdentity: nil))
    }

    @Test func tokenIDsRoundTripThroughTheirKeyBytes() {
        let ids: [UInt32] = [0, 1, 70000, .max]
        let bytes = EmbeddingsItems.keyBytes(ofTokenIDs: ids)
        #expect(bytes.count == 16)
        #expect(EmbeddingsItems.tokenIDs(fromKeyBytes: bytes) == ids)
    }
}
