import Foundation
import Testing

/// `Scripts/with-postgres.sh` on a machine without PostgreSQL: it installs it with apt-get, or says
/// exactly what is missing. The script looks for PostgreSQL in `EMBCACHE_POSTGRES_ROOT/*/bin`; these
/// tests point that at an empty folder and put a stand-in `apt-get` first on the `PATH`.
struct PostgresScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/with-postgres.sh")

    /// The real PostgreSQL programs' folder, which the test suite's own server runs from.
    static func installedBin() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = try FileManager.default.contentsOfDirectory(atPath: root)
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
        let newest = try #require(versions.sorted { $0.compare($1, options: .numeric) == .orderedAscending }.last)
        return "\(root)/\(newest)/bin"
    }

    /// Writes an `apt-get` stand-in that logs its arguments and runs `install` as given.
    private func fakeAptGet(_ cli: CLIProcess, install: String) throws -> (path: String, log: String) {
        let log = cli.path("apt-get.log")
        let script = try cli.write(
            "fakebin/apt-get",
            """
            #!/bin/sh
            echo "$*" >> '\(log)'
            case "$*" in *install*) \(install) ;; esac
            """
        )
        #expect(chmod(script, 0o755) == 0)
        return (cli.path("fakebin"), log)
    }

    private func runScript(_ cli: CLIProcess, bin: String, root: String) throws -> CLIProcess.Output {
        try cli.run(
            program: URL(fileURLWithPath: "/bin/bash"),
            [Self.script.path, "printenv", "EMBCACHE_TEST_POSTGRES_URL"],
            environment: [
                "EMBCACHE_TEST_POSTGRES_URL": nil,
                "EMBCACHE_POSTGRES_ROOT": root,
                "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            ]
        )
    }

    @Test func installsPostgreSQLWhenNoneIsThereAndStartsIt() throws {
        let cli = try CLIProcess()
        let root = cli.path("postgresql")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let real = try Self.installedBin()
        let apt = try fakeAptGet(cli, install: "mkdir -p '\(root)/99' && ln -s '\(real)' '\(root)/99/bin'")
        let result = try runScript(cli, bin: apt.path, root: root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("installing: postgresql"))
        #expect(result.stdout.contains("postgres://postgres:"))
        let log = try String(contentsOfFile: apt.log, encoding: .utf8)
        #expect(log.contains("install -y -qq postgresql"))
    }

    @Test func saysWhatIsMissingWhenItCannotInstall() throws {
        let cli = try CLIProcess()
        let root = cli.path("postgresql")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let apt = try fakeAptGet(cli, install: "exit 100")
        let result = try runScript(cli, bin: apt.path, root: root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("PostgreSQL is missing and could not be installed"), "\(result.stderr)")
    }
}
