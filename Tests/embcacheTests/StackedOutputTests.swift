import Foundation
import Testing

/// `embed --output FILE.safetensors --layout stacked`: one tensor per field, rows stacked, a
/// failed input's row NaN and listed, read back by Python's `safetensors`.
struct StackedOutputTests {
    private static let readBack = """
        import json, sys
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file
        stacked = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="numpy") as f:
            metadata = f.metadata()
        matrix = np.load(sys.argv[2])
        (name, tensor), = stacked.items()
        print(json.dumps({
            "name": name, "shape": list(tensor.shape), "dtype": str(tensor.dtype),
            "equal": bool(np.array_equal(tensor, matrix, equal_nan=True)),
            "nan_rows": [int(i) for i in range(len(tensor)) if np.isnan(tensor[i]).all()],
            "metadata": metadata,
        }))
        """

    @Test func stackedRowsMatchTheMatrixAndMarkTheFailedRow() throws {
        let cli = try CLIProcess()
        let inputs = try ["good one", "bad input", "good two"].enumerated().map { try cli.write("in/\($0).txt", $1) }
        let embed = ["embed"] + inputs + ["--encoder", Workers.numpy("--dim 16 --error-on bad")]
        #expect(try cli.run(embed + ["--output", cli.path("rows.npy")]).status == 3)
        let stacked = try cli.run(embed + ["--output", cli.path("stacked.safetensors"), "--layout", "stacked"])
        #expect(stacked.status == 3, "\(stacked.stderr)")
        let (status, output) = try ExportTests.python(
            Self.readBack,
            [cli.path("stacked.safetensors"), cli.path("rows.npy")]
        )
        #expect(status == 0, "\(output)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(report["shape"] as? [Int] == [3, 16] && report["dtype"] as? String == "float32")
        #expect(report["equal"] as? Bool == true && report["nan_rows"] as? [Int] == [1])
        let metadata = try #require(report["metadata"] as? [String: String])
        #expect(metadata["failed_rows"] == "1" && metadata["rows"] == "3" && metadata["layout"] == "stacked")
    }

    @Test func layoutNeedsASafetensorsOutput() throws {
        let cli = try CLIProcess()
        let input = try cli.write("a.txt", "a")
        let run = try cli.run([
            "embed", input, "--encoder", "builtin:bytes", "--output", cli.path("x.npy"), "--layout", "stacked",
        ])
        #expect(run.status == 2 && run.stderr.contains("--layout"), "\(run.stderr)")
    }
}
