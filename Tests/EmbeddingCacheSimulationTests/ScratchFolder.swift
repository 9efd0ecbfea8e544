import EmbeddingCacheSimulation
import Foundation

/// A fresh folder per test with a files folder and a stores folder, removed when released.
final class ScratchFolder: Sendable {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("embcache-simulation-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Where a simulation copies its files.
    var files: String { path + "/files" }
    /// Where a simulation creates its stores.
    var stores: ScratchStores { ScratchStores(folder: path + "/stores") }
    /// Where reports are written.
    var out: String { path + "/out" }
}
