import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets

/// `--storage`: how float tensors are stored, shared by every command that names a namespace.
/// `--storage-policy` and `--store-dtype`, its older spellings, are still accepted.
struct StorageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            How float tensors are stored, part of the namespace: lossless (the default), float16, \
            bfloat16, float16-saturating or bfloat16-saturating.
            """,
            valueName: "policy"
        )
    )
    var storage: StoragePolicy?

    @Option(help: .hidden)
    var storagePolicy: StoragePolicy?

    @Option(help: .hidden)
    var storeDtype: StoreDType?

    /// The policy chosen under any spelling; lossless by default.
    var policy: StoragePolicy { storage ?? storagePolicy ?? storeDtype?.policy ?? .lossless }

    func validate() throws {
        let given = [
            storage.map { ("--storage", $0) }, storagePolicy.map { ("--storage-policy", $0) },
            storeDtype.map { ("--store-dtype", $0.policy) },
        ]
        .compactMap { $0 }
        if let first = given.first, let other = given.first(where: { $0.1 != first.1 }) {
            throw ValidationError("\(first.0) \(first.1) contradicts \(other.0) \(other.1)")
        }
    }
}
