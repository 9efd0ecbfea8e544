import Foundation

/// A generated training dataset for the precompute and export suites, driven through the
/// `embcache` binary `--embcache` names: per sample an image, two controls and a prompt; a plan with
/// four fields over two in-process encoders.
struct TrainingDataset {
    let folder: URL
    let count: Int
    /// The `embcache` binary that precomputes and exports it.
    let embcache: String
    /// Every input file's bytes and every prompt's, for the hashing baseline.
    let inputBytes: [Data]

    var manifest: String { folder.appendingPathComponent("train.jsonl").path }
    var plan: String { folder.appendingPathComponent("plan.json").path }
    var store: String { folder.appendingPathComponent("cache.sqlite").path }

    /// Writes `count` samples with files of `fileSize` bytes, and a plan whose vae gives `vaeDim`
    /// floats and whose text encoder gives `textDim` floats; `embcache` runs over them.
    init(in folder: URL, count: Int, fileSize: Int, vaeDim: Int, textDim: Int, embcache: String) throws {
        self.folder = folder
        self.count = count
        self.embcache = embcache
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = Inputs.buffers(count: count * 3, size: fileSize, seed: 7)
        var lines = [String]()
        var bytes = [Data]()
        for index in 0..<count {
            let names = ["\(index).img", "\(index)-a.ctl", "\(index)-b.ctl"]
            for (name, data) in zip(names, files[(index * 3)..<(index * 3 + 3)]) {
                try data.write(to: folder.appendingPathComponent(name))
                bytes.append(data)
            }
            let prompt = "a photo of object number \(index) on a plain background, studio light"
            bytes.append(Data(prompt.utf8))
            lines.append(
                #"{"id": "s\#(index)", "image": "\#(names[0])", "controls": ["\#(names[1])", "\#(names[2])"], "#
                    + #""prompt": "\#(prompt)"}"#
            )
        }
        inputBytes = bytes
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: manifest))
        let plan = """
            {"encoders": {"vae": "builtin:bytes?dim=\(vaeDim)", "text": "builtin:bytes?dim=\(textDim)"},
             "fields": [{"name": "image_latents", "encoder": "vae", "inputs": "image"},
                        {"name": "control_latents", "encoder": "vae", "inputs": "controls"},
                        {"name": "prompt_embeds", "encoder": "text", "inputs": {"text": "prompt"}},
                        {"name": "empty_prompt_embeds", "encoder": "text", "inputs": {"literal": ""}}]}
            """
        try Data(plan.utf8).write(to: URL(fileURLWithPath: self.plan))
    }

    /// Runs `embcache ARGUMENTS --store … --json` and returns its JSON report.
    func run(_ arguments: [String]) throws -> [String: Any] {
        try EmbcacheProcess(arguments + ["--store", store], binary: embcache).report()
    }

    /// `embcache precompute` over the dataset.
    func precompute() throws -> [String: Any] {
        try run(["precompute", "--manifest", manifest, "--plan", plan])
    }
}
