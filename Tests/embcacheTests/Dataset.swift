import Foundation

/// A small generated training dataset in a scratch directory: per sample an image, two controls
/// and a prompt, a manifest, and a plan with two encoders.
struct Dataset {
    let cli: CLIProcess
    let count: Int

    /// The manifest's path.
    var manifest: String { cli.path("data/train.jsonl") }
    /// The plan's path.
    var plan: String { cli.path("data/plan.json") }

    /// Writes `count` samples (ids `s0`…), their files, the manifest and a plan.
    ///
    /// - Parameters:
    ///   - vae: The encoder of the image fields.
    ///   - text: The encoder of the prompt fields.
    ///   - emptyPrompt: Whether the plan has the `empty_prompt_embeds` literal field.
    ///   - storeDType: The plan's `store_dtype`, if any.
    init(
        _ cli: CLIProcess,
        count: Int,
        vae: String = "builtin:bytes?dim=16",
        text: String = Workers.numpy("--dim 8"),
        emptyPrompt: Bool = true,
        storeDType: String? = nil
    ) throws {
        self.cli = cli
        self.count = count
        var lines = [String]()
        for index in 0..<count {
            try cli.write("data/images/\(index).png", "image \(index)")
            try cli.write("data/controls/\(index)-a.png", "control a \(index)")
            try cli.write("data/controls/\(index)-b.png", "control b \(index)")
            lines.append(
                #"{"id": "s\#(index)", "image": "images/\#(index).png", "#
                    + #""controls": ["controls/\#(index)-a.png", "controls/\#(index)-b.png"], "#
                    + #""prompt": "a red chair number \#(index)"}"#
            )
        }
        try cli.writeLines("data/train.jsonl", lines)
        var fields = [
            #"{"name": "image_latents", "encoder": "vae", "inputs": "image"}"#,
            #"{"name": "control_latents", "encoder": "vae", "inputs": "controls"}"#,
            #"{"name": "pair_latents", "encoder": "vae", "inputs": ["image", {"text": "prompt"}]}"#,
            #"{"name": "prompt_embeds", "encoder": "text", "inputs": {"text": "prompt"}}"#,
        ]
        if emptyPrompt {
            fields.append(#"{"name": "empty_prompt_embeds", "encoder": "text", "inputs": {"literal": ""}}"#)
        }
        let encoders = try JSONSerialization.data(withJSONObject: ["vae": vae, "text": text])
        let dtype = storeDType.map { #", "store_dtype": "\#($0)""# } ?? ""
        try cli.write(
            "data/plan.json",
            #"{"encoders": \#(String(decoding: encoders, as: UTF8.self)), "fields": [\#(fields.joined(separator: ","))]"#
                + dtype + "}"
        )
    }

    /// `embcache precompute --manifest … --plan … ARGUMENTS --json`.
    func precompute(_ arguments: [String] = [], manifest: String? = nil) throws -> CLIProcess.Output {
        try cli.run(["precompute", "--manifest", manifest ?? self.manifest, "--plan", plan, "--json"] + arguments)
    }

    /// `embcache export --manifest … --plan … --out DIR ARGUMENTS --json`.
    func export(to folder: String, _ arguments: [String] = []) throws -> CLIProcess.Output {
        try cli.run(
            ["export", "--manifest", manifest, "--plan", plan, "--out", cli.path(folder), "--json"] + arguments
        )
    }

    /// The per-field objects of a precompute report, by field name.
    static func fields(_ report: [String: Any]) -> [String: [String: Int]] {
        let list = report["fields"] as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: list.map { field in
                (field["name"] as? String ?? "", field.compactMapValues { $0 as? Int })
            }
        )
    }
}
