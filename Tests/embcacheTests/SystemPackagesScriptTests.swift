import Foundation
import Testing

/// `Scripts/system-packages.sh` on a machine without the build's Debian packages: it installs them
/// with apt-get, or says exactly which are missing. A stand-in `dpkg` first on the `PATH` reports
/// every package absent, and a stand-in `apt-get` logs what it is asked.
struct SystemPackagesScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/system-packages.sh")

    /// Runs the script with stand-ins for `dpkg` and `apt-get`; `install` is what `apt-get install` does.
    private func run(install: String) throws -> (output: CLIProcess.Output, log: String) {
        let cli = try CLIProcess()
        let log = cli.path("apt-get.log")
        for (name, body) in [
            ("dpkg", "exit 1"),
            ("apt-get", "echo \"$*\" >> '\(log)'\ncase \"$*\" in *install*) \(install) ;; esac"),
        ] {
            #expect(chmod(try cli.write("fakebin/\(name)", "#!/bin/sh\n\(body)\n"), 0o755) == 0)
        }
        let output = try cli.run(
            program: URL(fileURLWithPath: "/bin/bash"),
            [Self.script.path],
            environment: [
                "PATH": cli.path("fakebin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            ]
        )
        return (output, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test(.enabled(if: getuid() == 0, "apt-get installs only as root"))
    func installsTheMissingPackagesWithAptGet() throws {
        let (output, log) = try run(install: "exit 0")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("installing: libsqlite3-dev"))
        #expect(log.contains("install -y -qq libsqlite3-dev"), "\(log)")
        #expect(log.contains("libpng-dev") && log.contains("libjpeg62-turbo-dev"), "\(log)")
    }

    @Test func namesWhatIsMissingWhenItCannotInstall() throws {
        let (output, _) = try run(install: "exit 100")
        #expect(output.status == 1)
        #expect(output.stderr.contains("libsqlite3-dev libpng-dev libjpeg62-turbo-dev"), "\(output.stderr)")
    }
}
