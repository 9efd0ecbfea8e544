import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets
import EmbeddingCacheEncoders
import EmbeddingCacheImages

/// `embcache near-duplicates`: pairs of images whose perceptual hashes are close.
struct NearDuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "near-duplicates",
        abstract: "List pairs of images whose perceptual hashes are within a Hamming distance.",
        discussion: """
            Decodes every image on every core, hashes it (--hash phash, the 8×8 DCT hash of Python's \
            imagehash, or dhash) and lists each pair of images whose hashes differ in at most \
            --max-distance of their 64 bits, found through a multi-index search rather than by comparing \
            every pair. Hashes print as 16 hex digits in imagehash's bit order (what str(hash) prints). \
            A perceptual hash is never a cache key: two different images can share one.

            With --verify --encoder SPEC, each paired image's embedding comes from the cache (encoded and \
            stored on a miss), and pairs whose embeddings' cosine is below --min-cosine are flagged as \
            perceptual-hash false positives.

            Folders expand as for embed. A file that cannot be decoded is named on stderr and skipped.

            Output: one tab-separated line per pair on stdout (distance, first hash, second hash, first \
            path, second path; with --verify, the cosine and ok or false-positive), a summary on stderr; \
            --json prints one object instead.

            Exit codes: 0 success (undecodable files skipped); 1 the run failed (a missing path, a store \
            error, a worker that cannot start); 2 usage error; 3 with --fail-on-unreadable, some files could \
            not be decoded, or with --verify, some paired images could not be embedded.

            Example:
              embcache near-duplicates photos/ --json
              embcache near-duplicates photos/ --max-distance 6 --verify --encoder builtin:bytes
            """
    )

    @Argument(help: "Image files and folders.")
    var paths: [String]

    @Option(help: "The largest Hamming distance (0…64) between the hashes of a pair.")
    var maxDistance = 4

    @Option(help: "The perceptual hash: phash (the 8×8 DCT hash) or dhash (the difference hash).")
    var hash: PerceptualHash.Algorithm = .phash

    @Flag(help: "Compare each pair's embeddings (from the cache, encoded on a miss) and flag disagreeing pairs.")
    var verify = false

    @Option(help: "The encoder for --verify: builtin:bytes[?dim=N…] or process:'COMMAND …'.")
    var encoder: String?

    @Option(help: "With --verify, pairs whose embeddings' cosine is below this are flagged as false positives.")
    var minCosine = 0.95

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var workerOptions: WorkerOptions

    @Flag(help: "Exit 3 when some files could not be decoded (they are skipped either way).")
    var failOnUnreadable = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        guard (0...64).contains(maxDistance) else { throw ValidationError("--max-distance must be between 0 and 64") }
        guard (-1...1).contains(minCosine) else { throw ValidationError("--min-cosine must be between -1 and 1") }
        switch (verify, encoder) {
        case (true, nil): throw ValidationError("--verify needs --encoder SPEC")
        case (false, .some): throw ValidationError("--encoder is only used with --verify")
        case (true, .some(let encoder)):
            do {
                try EncoderSpecification(parsing: encoder).validate()
            } catch {
                throw ValidationError(error.message)
            }
        case (false, nil): break
        }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let files = try InputExpansion.filesNamingLeftOut(for: paths)
        let search = NearDuplicatesSearch(algorithm: hash, maxDistance: maxDistance)
        var report = try await ProgressBar.showing(total: files.count, unit: "files", progressOptions) {
            await search.run(files: files, progress: $0.update)
        }
        let unreadable = report.failures.count
        if verify, let encoder {
            let verification = NearDuplicatesVerification(
                encoder: try EncoderSpecification(parsing: encoder),
                workerConfiguration: workerOptions.configuration
            )
            let outcome = try await storeOptions.withStore { store in
                try await ProgressBar.showing(
                    total: NearDuplicatesVerification.images(in: report.pathPairs).count,
                    unit: "images",
                    progressOptions
                ) {
                    try await verification.verify(report.pathPairs, store: store, progress: $0.update)
                }
            }
            report.add(outcome, minCosine: minCosine, store: storeOptions.displayName)
        }
        report.seconds = (ContinuousClock.now - start).seconds
        for failure in report.failures { StandardError.print("embcache: failed: \(failure.path): \(failure.reason)") }
        if json {
            try JSONReport.print(report)
        } else {
            for line in report.lines { print(line) }
            StandardError.print(report.summary)
        }
        if report.failures.count > unreadable || (failOnUnreadable && unreadable > 0) {
            throw ExitCode.someInputsFailed
        }
    }
}
