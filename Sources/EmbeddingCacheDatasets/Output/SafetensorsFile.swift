import Dispatch
public import EmbeddingCache
import Foundation
import Synchronization

/// Writes whole `.safetensors` files through ``SafetensorsWriter``, atomically (a `.partial` file
/// renamed at the end), each with one gathering write of its header and tensors.
///
/// ```swift
/// try SafetensorsFile.write([("latents", tensor)], to: "sample.safetensors")
/// ```
public enum SafetensorsFile {
    /// One file to write: its path and its tensors under their names.
    public typealias Contents = (path: String, tensors: [(name: String, tensor: Tensor)])

    /// Writes `tensors` under their names to `path`.
    ///
    /// The header and the tensors' bytes go to the kernel in one `writev`, straight from the
    /// records' memory: no buffer gathers them first.
    ///
    /// - Parameters:
    ///   - tensors: The tensors under their names, in file order.
    ///   - path: The final path.
    /// - Throws: ``OutputError`` naming the file, or ``EmbeddingCacheError`` for a repeated name.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], to path: String) throws {
        var layout = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, tensor) in tensors { try layout.declare(name, dtype: tensor.dtype, shape: tensor.shape) }
        let file = try OutputFile(path: path)
        do {
            try file.write([layout.header()] + tensors.map(\.tensor.data))
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Writes every file of `files`, on every core at once.
    ///
    /// Writing into the page cache costs the kernel a page allocation and a copy per 4 KiB, so
    /// many small files are written fastest by several threads together.
    ///
    /// - Parameter files: The files, each with its path and tensors.
    /// - Throws: The error of the first file, in order, that could not be written; the others are
    ///   written all the same.
    public static func write(_ files: [Contents]) throws {
        let failures = Mutex<[Int: any Error]>([:])
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            do {
                try write(files[index].tensors, to: files[index].path)
            } catch {
                failures.withLock { $0[index] = error }
            }
        }
        if let first = failures.withLock({ $0.min { $0.key < $1.key } }) { throw first.value }
    }
}
