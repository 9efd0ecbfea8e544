import Foundation
import Synchronization

/// Copies a worker's stderr to ours line by line, prefixed, and keeps the last lines for errors.
final class StderrRelay: Sendable {
    /// How many lines are kept for error messages.
    static let keptLines = 8
    /// Bytes after which a line without a newline is relayed anyway, so memory stays bounded.
    static let longestLine = 16_384

    private let lines = Mutex<[String]>([])
    private let finished = Latch()
    private let prefix: String

    /// Starts a thread reading `descriptor` (the read end of the worker's stderr) until it closes.
    init(descriptor: Int32, prefix: String) {
        self.prefix = prefix
        Thread.detachNewThread { [self] in self.relay(descriptor) }
    }

    /// The last lines the worker wrote, oldest first; waits up to `patience` for the stream to end
    /// so that the lines of a worker that just exited are all there.
    func lastLines(waitingUpTo patience: Duration) -> [String] {
        _ = finished.wait(upTo: patience)
        return lines.withLock { $0 }
    }

    private func relay(_ descriptor: Int32) {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                emit(pending[pending.startIndex..<newline])
                pending = pending[(newline + 1)...]
            }
            if pending.count > Self.longestLine {
                emit(pending)
                pending = Data()
            }
        }
        if !pending.isEmpty { emit(pending) }
        close(descriptor)
        finished.raise()
    }

    private func emit(_ bytes: Data) {
        let line = String(decoding: bytes, as: UTF8.self)
        FileHandle.standardError.write(Data("\(prefix)\(line)\n".utf8))
        lines.withLock { lines in
            lines.append(line)
            if lines.count > Self.keptLines { lines.removeFirst() }
        }
    }
}
