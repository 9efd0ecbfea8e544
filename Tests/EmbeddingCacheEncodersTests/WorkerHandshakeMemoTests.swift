import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

@testable import EmbeddingCacheEncoders

/// A worker whose handshake is remembered starts only at the first miss, and only while its
/// command line and the files it names are unchanged.
///
/// The worker these tests write states as its model the text of `model.txt` beside it, names the
/// files `LISTED` says in `identity_files`, and embeds each input as (byte count, 1).
struct WorkerHandshakeMemoTests {
    /// A scratch folder with the worker script, its model file, and a memo file path.
    struct Setup {
        let scratch: ScratchDirectory
        let command: String
        let memo: WorkerHandshakeMemo

        /// Writes the worker naming `listed` (file names beside it) as its identity files.
        init(listing listed: [String], model: String = "model-a", racyMargin: Duration = .zero) throws {
            scratch = try ScratchDirectory(prefix: "embcache-handshake-memo")
            let workers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Examples/workers").path
            let script = """
                import os, sys
                sys.path.insert(0, \(Self.pythonString(workers)))
                import numpy as np
                from embcache_worker import serve
                here = os.path.dirname(os.path.abspath(__file__))
                with open(os.path.join(here, "model.txt")) as file:
                    model = file.read().strip()
                serve(
                    {
                        "model": model,
                        "preprocessing": "byte-count",
                        "tensors": [{"name": "embedding", "dtype": "F32", "shape": [2]}],
                        "identity_files": [os.path.join(here, name) for name in \(Self.pythonList(listed))],
                    },
                    lambda items: [
                        [("embedding", np.array([len(b"".join(parts)), 1], dtype=np.float32))] for parts in items
                    ],
                )
                """
            try Data(script.utf8).write(to: scratch.url.appendingPathComponent("worker.py"))
            command = "python3 '\(scratch.url.appendingPathComponent("worker.py").path)'"
            memo = WorkerHandshakeMemo(
                path: scratch.url.appendingPathComponent("memo/worker-handshakes").path,
                racyMargin: racyMargin
            )
            try setModel(model)
        }

        /// Rewrites `model.txt`.
        func setModel(_ model: String) throws {
            try Data(model.utf8).write(to: scratch.url.appendingPathComponent("model.txt"))
        }

        /// Starts the worker's encoder through the memo (or `memo`).
        func start(through memo: WorkerHandshakeMemo? = nil) async throws -> ProcessEncoder {
            var configuration = ProcessEncoder.Configuration()
            configuration.handshakes = memo ?? self.memo
            return try await ProcessEncoder.start(command: command, configuration: configuration)
        }

        private static func pythonString(_ text: String) -> String {
            "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }

        private static func pythonList(_ names: [String]) -> String {
            "[" + names.map(pythonString).joined(separator: ", ") + "]"
        }
    }

    static func input(_ text: String) -> EncoderInput {
        EncoderInput(parts: [Data(text.utf8)], label: text)
    }

    @Test func rememberedHandshakeStartsTheWorkerOnlyAtTheFirstBatch() async throws {
        let setup = try Setup(listing: ["model.txt"])
        let first = try await setup.start()
        #expect(await first.startedWorkers == 1)
        await first.stop()

        let second = try await setup.start()
        #expect(await second.startedWorkers == 0)
        #expect(second.namespace == first.namespace)
        #expect(second.namespace.model == "model-a")
        let records = try await second.encode([Self.input("abc")])
        #expect(await second.startedWorkers == 1)
        #expect(try records[0].get()["embedding"]?.floatValues() == [3, 1])
        await second.stop()
    }

    @Test func anEditedIdentityFileStartsTheWorker() async throws {
        let setup = try Setup(listing: ["model.txt"])
        try await setup.start().stop()
        try setup.setModel("model-b")
        let encoder = try await setup.start()
        #expect(await encoder.startedWorkers == 1)
        #expect(encoder.namespace.model == "model-b")
        await encoder.stop()
    }

    @Test func anEditedWorkerScriptStartsTheWorker() async throws {
        let setup = try Setup(listing: ["model.txt"])
        try await setup.start().stop()
        let script = setup.scratch.url.appendingPathComponent("worker.py")
        try Data((try String(contentsOf: script, encoding: .utf8) + "\n# edited\n").utf8).write(to: script)
        let encoder = try await setup.start()
        #expect(await encoder.startedWorkers == 1)
        await encoder.stop()
    }

    @Test func aHandshakeNamingNoFilesIsNeverRemembered() async throws {
        let setup = try Setup(listing: [])
        try await setup.start().stop()
        let encoder = try await setup.start()
        #expect(await encoder.startedWorkers == 1)
        await encoder.stop()
        #expect(!FileManager.default.fileExists(atPath: setup.memo.path))
    }

    @Test func filesChangedJustBeforeTheLaunchAreNotRemembered() async throws {
        let setup = try Setup(listing: ["model.txt"], racyMargin: .seconds(3600))
        try await setup.start().stop()
        let encoder = try await setup.start()
        #expect(await encoder.startedWorkers == 1)
        await encoder.stop()
    }

    @Test func aWorkerStatingAnotherIdentityFailsTheCallAndIsForgotten() async throws {
        // The model comes from model.txt, which the worker does not name: its identity depends on a
        // file the memo does not cover.
        let setup = try Setup(listing: ["worker.py"])
        let store = InMemoryEmbeddingStore()
        let first = try await setup.start()
        _ = try await EmbeddingCache(store: store, encoder: first).results(for: [.text("kept", label: "kept")])
        await first.stop()

        try setup.setModel("model-b")
        let recalled = try await setup.start()
        #expect(await recalled.startedWorkers == 0)
        #expect(recalled.namespace.model == "model-a")
        let cache = EmbeddingCache(store: store, encoder: recalled)
        let error = await #expect(throws: EmbeddingCacheError.self) {
            try await cache.results(for: [.text("kept", label: "kept"), .text("new", label: "new")])
        }
        #expect(error?.code == .encoderIdentityChanged)
        await recalled.stop()

        let restarted = try await setup.start()
        #expect(await restarted.startedWorkers == 1)
        #expect(restarted.namespace.model == "model-b")
        await restarted.stop()
    }

    @Test func underAStatMemoUnchangedFilesAreNotReadAgain() async throws {
        let setup = try Setup(listing: ["model.txt"])
        let statMemo = StatMemo(racyMargin: .zero)
        let throughStat = WorkerHandshakeMemo(path: setup.memo.path, statMemo: statMemo, racyMargin: .zero)
        try await setup.start(through: throughStat).stop()
        let served = statMemo.servedCount
        let encoder = try await setup.start(through: throughStat)
        #expect(await encoder.startedWorkers == 0)
        #expect(statMemo.servedCount == served + 2)
        await encoder.stop()
    }

    @Test func aDamagedMemoIsTreatedAsEmpty() async throws {
        let setup = try Setup(listing: ["model.txt"])
        try await setup.start().stop()
        let text = try String(contentsOfFile: setup.memo.path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"protocol\":1", with: "\"protocol\":99").utf8)
            .write(to: URL(fileURLWithPath: setup.memo.path))
        let encoder = try await setup.start()
        #expect(await encoder.startedWorkers == 1)
        await encoder.stop()
    }
}
