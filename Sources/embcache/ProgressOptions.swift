import ArgumentParser

/// `--progress auto|always|never` and `--quiet`, shared by every command that shows progress.
struct ProgressOptions: ParsableArguments {
    /// When progress is shown.
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Option(
        help: """
            Progress on stderr: auto (a bar on a terminal, else a line every \(Int(ProgressBar.lineInterval.components.seconds)) s), \
            always (the bar, even when stderr is not a terminal), never.
            """
    )
    var progress: Mode = .auto

    @Flag(help: "Print neither progress nor the summary on stderr; failures and errors still are.")
    var quiet = false

    /// How a bar for these options draws.
    var style: ProgressBar.Style {
        switch (quiet ? .never : progress, StandardError.isTerminal) {
        case (.never, _): .off
        case (.always, _), (.auto, true): .bar
        case (.auto, false): .lines
        }
    }

    /// Prints `text` on stderr unless `--quiet`.
    func summary(_ text: String) {
        if !quiet { StandardError.print(text) }
    }
}
