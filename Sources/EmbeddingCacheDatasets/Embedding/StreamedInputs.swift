public import EmbeddingCache
public import Foundation

/// Inputs read from a stream, such as standard input, as they arrive: one per line, handed on in
/// chunks, so a producer that writes slowly sees its first batch encoded long before it closes
/// the stream.
///
/// A thread of its own reads the stream (a read blocks until bytes arrive), cuts complete lines
/// (LF or CRLF; a last line without a line break counts), parses each, and hands on what it has
/// whenever it holds at least `minimum` inputs, in chunks of at most `maximum`; what is left is
/// handed on at the end of the stream. A line that does not parse ends the sequence with its error.
///
/// ```swift
/// let chunks = StreamedInputs.chunks(of: FileHandle.standardInput, minimum: 64, maximum: 4096) { line, number in
///     try LineInputs.input(line, number: number, source: "-")
/// }
/// for try await chunk in chunks { … }
/// ```
public enum StreamedInputs {
    /// Reads `handle` to its end on a thread of its own, in chunks of parsed inputs.
    ///
    /// - Parameters:
    ///   - handle: The stream.
    ///   - minimum: Inputs held before a chunk is handed on (except at the end).
    ///   - maximum: The most inputs in one chunk.
    ///   - parse: Makes one line (without its line break) and its number (from 1) an input, or
    ///     `nil` to skip it.
    /// - Returns: The chunks, in order.
    public static func chunks(
        of handle: FileHandle,
        minimum: Int,
        maximum: Int,
        parse: @escaping @Sendable (Data, Int) throws -> EmbeddingInput?
    ) -> AsyncThrowingStream<[EmbeddingInput], any Error> {
        let (stream, continuation) = AsyncThrowingStream<[EmbeddingInput], any Error>.makeStream()
        let reader = LineReader(minimum: max(1, minimum), maximum: max(1, maximum), parse: parse)
        Thread.detachNewThread {
            do {
                try reader.read(handle) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }
}

extension StreamedInputs {
    /// `--lines -`: standard input's lines, one text input each, as they arrive.
    ///
    /// - Parameter batch: Inputs held before a chunk is handed on: the encoder's batch size.
    /// - Returns: The chunks, in order.
    public static func lines(batch: Int) -> AsyncThrowingStream<[EmbeddingInput], any Error> {
        chunks(of: .standardInput, minimum: batch, maximum: EmbedRun.chunkSize) { line, number in
            try LineInputs.input(line, number: number, source: "-")
        }
    }

    /// `--jsonl -`: standard input's JSON Lines records, one text input each, as they arrive.
    ///
    /// - Parameters:
    ///   - textField: The field holding each record's text.
    ///   - idField: The field naming each record, if any.
    ///   - batch: Inputs held before a chunk is handed on: the encoder's batch size.
    /// - Returns: The chunks, in order.
    public static func jsonl(
        textField: String,
        idField: String?,
        batch: Int
    ) -> AsyncThrowingStream<[EmbeddingInput], any Error> {
        chunks(of: .standardInput, minimum: batch, maximum: EmbedRun.chunkSize) { line, number in
            try JSONLInputs.input(line, number: number, source: "-", textField: textField, idField: idField)
        }
    }
}

/// Cuts a stream's bytes into lines and parsed inputs, handing them on in chunks.
private struct LineReader: Sendable {
    /// The most bytes one read asks for; a read returns what has arrived, up to this.
    static let readSize = 1 << 16

    let minimum: Int
    let maximum: Int
    let parse: @Sendable (Data, Int) throws -> EmbeddingInput?

    /// Reads `handle` to its end, calling `handOn` with each chunk.
    func read(_ handle: FileHandle, handOn: ([EmbeddingInput]) -> Void) throws {
        var pending = Data()
        var ready = [EmbeddingInput]()
        var number = 0
        func take(_ line: Data) throws {
            number += 1
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            if let input = try parse(Data(trimmed), number) { ready.append(input) }
        }
        func handOnReady(all: Bool) {
            while ready.count >= (all ? 1 : minimum) {
                let count = min(ready.count, maximum)
                handOn(Array(ready.prefix(count)))
                ready.removeFirst(count)
            }
        }
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        while true {
            let count = buffer.withUnsafeMutableBytes {
                Foundation.read(handle.fileDescriptor, $0.baseAddress, $0.count)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw EmbeddingCacheError(
                    .inputUnreadable,
                    "cannot read the inputs' stream",
                    underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                )
            }
            if count == 0 { break }
            pending.append(contentsOf: buffer[..<count])
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try take(pending[start..<newline])
                start = newline + 1
            }
            pending = Data(pending[start...])
            handOnReady(all: false)
        }
        if !pending.isEmpty { try take(pending) }
        handOnReady(all: true)
    }
}
