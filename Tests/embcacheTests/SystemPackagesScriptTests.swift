import Foundation
import Testing

/// `Scripts/system-packages.sh` on a machine without the build's Debian packages: it installs them
/// with apt-get, or says exactly which are missing. A stand-in `dpkg` first on the `PATH` reports
/// every package absent, and a stand-in `apt-get` logs what it is asked.
struct SystemPackagesScriptTests {
    /// Runs the script with stand-ins for `dpkg` and `apt-get`; `install` is what `apt-get install` does.
    private func run(install: String) throws -> (output: CLIProcess.Output, log: String) {
        let script = try ScriptWithStandIns()
        try script.standIn("dpkg", "exit 1")
        try script.standIn("apt-get", "echo \"$*\" >> '\(script.log)'\ncase \"$*\" in *install*) \(install) ;; esac")
        return try script.run(
            "system-packages.sh",
            path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        )
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
