import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets

/// The `embcache` command: a content-addressed cache in front of any encoder.
@main
struct Embcache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embcache",
        abstract: "A content-addressed cache for ML embeddings and tensors.",
        discussion: """
            Entries are keyed by (model identity, preprocessing identity, SHA-256 of the input's bytes): \
            renamed files hit, edited files miss, a new model or preprocessing misses everything.

            Exit codes: 0 success, 1 the run failed, 2 usage error, 3 some inputs failed, 4 verify found corrupt records that remain.
            """,
        version: EmbcacheVersion.current,
        subcommands: [
            EmbedCommand.self, PrecomputeCommand.self, ExportCommand.self, ImportCommand.self, StatsCommand.self,
            VerifyCommand.self, PruneCommand.self, MigrateCommand.self,
            ClearCommand.self,
            ExplainCommand.self,
            NearDuplicatesCommand.self,
            SimulateCommand.self,
            ServeCommand.self,
        ]
    )

    /// Runs the command line, mapping usage errors to exit code 2 and library errors to 1.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch  where error is EmbeddingCacheError || error is OutputError {
            StandardError.print("embcache: \(error)")
            exit(withError: ExitCode.failure)
        } catch  where exitCode(for: error) == .validationFailure {
            StandardError.print(fullMessage(for: error))
            exit(withError: ExitCode.usage)
        } catch {
            exit(withError: error)
        }
    }
}
