import Foundation

/// Runs a Python baseline script and decodes the JSON object it prints.
struct PythonBaseline: Sendable {
    let interpreter: String
    let folder: String

    func run<Result: Decodable>(_ script: String, _ arguments: [String], as type: Result.Type) throws -> Result {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "\(folder)/\(script)"] + arguments
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("\(script) exited with status \(process.terminationStatus)")
        }
        return try JSONDecoder().decode(Result.self, from: data)
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
