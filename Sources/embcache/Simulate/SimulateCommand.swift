import ArgumentParser

/// `embcache simulate`: the study's experiments, reproducible on any files.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Reproduce the study's cache experiments on your files or a synthetic corpus.",
        discussion: """
            Each subcommand runs one experiment of "Stop Re-Embedding the Same Images" against \
            embcache, prints its table, and writes CSV files and SVG charts into --out \
            (embcache-simulation by default). Without PATH, or with --synthetic, the files are a \
            generated stand-in for the study's corpus: 10 classes × 20 objects × 8 views, 224×224 PNG \
            renders of objects on white backgrounds, some small.

            Stores are throwaway SQLite files in a temporary folder (or in --store DIR, kept); your \
            cache is never touched, and the files given are only read.

            Example:
              embcache simulate churn --synthetic
              embcache simulate audit
              embcache simulate batch-sweep --encoder 'builtin:pixel-projection?cost-ms=5'
              embcache simulate phash-collisions photos/
            """,
        subcommands: [
            SimulateChurnCommand.self, SimulateAuditCommand.self, SimulateBatchSweepCommand.self,
            SimulatePHashCollisionsCommand.self,
        ]
    )
}
