import ArgumentParser
import EmbeddingCache
import EmbeddingCacheEncoders

/// `embcache explain`: why one input hits or misses.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain why an input hits or misses: its digest and the namespaces that hold it.",
        discussion: """
            Prints the input's SHA-256, the encoder's namespace (model | preprocessing | storage), \
            whether that namespace holds the input, every namespace that does, and the namespaces \
            that differ from the encoder's in only the model, only the preprocessing or only the \
            storage policy, so a changed preprocessing shows as such. A process: encoder is started \
            for its handshake only; nothing is encoded or stored. A store that does not exist is \
            treated as empty and is not created.

            Exit codes: 0 explained (hit or miss); 1 the input or store cannot be read, or the \
            worker cannot start; 2 usage error.

            Example:
              embcache explain photo.png --encoder builtin:bytes --json
            """
    )

    @Argument(help: "The input file.")
    var path: String

    @Option(help: "The encoder, as for embed: builtin:bytes[?dim=N…] or process:'COMMAND …'.")
    var encoder: String

    @OptionGroup var storageOptions: StorageOptions

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var workerOptions: WorkerOptions

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        do {
            try EncoderSpecification(parsing: encoder).validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        let digest = try ContentDigest(ofFileAt: path)
        let namespace = try await EncoderSpecification(parsing: encoder).withEncoder(
            configuration: workerOptions.configuration
        ) {
            $0.namespace
        }
        .storing(storageOptions.policy)
        let found = try await storeOptions.withExistingStore { try await CacheExplanation.holders(of: digest, in: $0) }
        let (stored, holders) = found ?? ([], [])
        let report = CacheExplanation(
            path: path,
            digest: digest,
            namespace: namespace,
            stored: stored,
            holders: holders
        )
        if json { try JSONReport.print(report) } else { print(report.text) }
    }
}
