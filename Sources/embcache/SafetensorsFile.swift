import EmbeddingCache
import Foundation

/// Writes whole `.safetensors` files through ``SafetensorsWriter``, atomically (a `.partial` file
/// renamed at the end).
enum SafetensorsFile {
    /// Writes `tensors` under their names to `path`.
    ///
    /// - Throws: ``OutputError`` naming the file, or ``EmbeddingCacheError`` for a repeated name.
    static func write(_ tensors: [(name: String, tensor: Tensor)], to path: String) throws {
        var layout = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, tensor) in tensors { try layout.declare(name, dtype: tensor.dtype, shape: tensor.shape) }
        let file = try OutputFile(path: path)
        do {
            try file.write(layout.header())
            for (_, tensor) in tensors { try file.write(tensor.data) }
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }
}
