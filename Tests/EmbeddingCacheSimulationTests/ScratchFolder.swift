import EmbeddingCacheSimulation
import EmbeddingCacheTesting
import Foundation

/// A fresh folder per test with a files folder and a stores folder, removed when released.
final class ScratchFolder: Sendable {
    private let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory(prefix: "embcache-simulation") }

    /// The folder.
    var path: String { scratch.path }

    /// Where a simulation copies its files.
    var files: String { path + "/files" }
    /// Where a simulation creates its stores.
    var stores: ScratchStores { ScratchStores(folder: path + "/stores") }
    /// Where reports are written.
    var out: String { path + "/out" }
}
