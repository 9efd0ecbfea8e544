import EmbeddingCache
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running worker: its process, the pipes to its stdin and stdout, and its stderr relay.
///
/// Every method blocks its thread; ``WorkerSupervisor`` calls them off the cooperative pool. A
/// method that fails kills the process first and throws an error naming the command and what
/// happened (exit status or signal, the last stderr lines), never input bytes.
final class WorkerProcess: Sendable {
    let command: WorkerCommand
    /// How long the handshake, or one batch from sending to the last result byte, may take.
    let timeout: Duration
    private let process: Process
    private let input: WorkerPipe
    private let output: WorkerPipe
    private let stderr: StderrRelay
    /// Raised by the process's termination handler.
    private let exited: Latch
    /// How the process ended, once it has been stopped or killed.
    private let ending = Mutex<String?>(nil)

    private init(
        command: WorkerCommand,
        timeout: Duration,
        process: Process,
        input: WorkerPipe,
        output: WorkerPipe,
        stderr: StderrRelay,
        exited: Latch
    ) {
        self.command = command
        self.timeout = timeout
        self.process = process
        self.input = input
        self.output = output
        self.stderr = stderr
        self.exited = exited
    }

    /// Closes the pipes of a worker nobody stopped: it reads end-of-file and exits on its own.
    deinit {
        ending.withLock { ending in
            guard ending == nil else { return }
            input.close()
            output.close()
        }
    }

    /// Starts the command with pipes on stdin, stdout and stderr.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/encoderFailed`` when the command cannot be started.
    static func launch(_ command: WorkerCommand, timeout: Duration) throws(EmbeddingCacheError) -> WorkerProcess {
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = try command.executable()
        process.arguments = Array(command.arguments.dropFirst())
        let stdin = try makePipe(command)
        let stdout = try makePipe(command)
        let stderr = try makePipe(command)
        let childEnds = [stdin.read, stdout.write, stderr.write].map {
            FileHandle(fileDescriptor: $0, closeOnDealloc: false)
        }
        process.standardInput = childEnds[0]
        process.standardOutput = childEnds[1]
        process.standardError = childEnds[2]
        let exited = Latch()
        process.terminationHandler = { _ in exited.raise() }
        defer { for end in [stdin.read, stdout.write, stderr.write] { close(end) } }
        do {
            try process.run()
        } catch {
            for end in [stdin.write, stdout.read, stderr.read] { close(end) }
            throw EmbeddingCacheError(.encoderFailed, "cannot start worker '\(command)'", underlying: error)
        }
        return WorkerProcess(
            command: command,
            timeout: timeout,
            process: process,
            input: WorkerPipe(stdin.write),
            output: WorkerPipe(stdout.read),
            stderr: StderrRelay(descriptor: stderr.read, prefix: "[worker \(process.processIdentifier)] "),
            exited: exited
        )
    }

    /// Reads the handshake, the first frame the worker writes.
    func handshake() throws(EmbeddingCacheError) -> WorkerHandshake {
        let body = try receive(.handshake, during: "its handshake", before: .now + timeout)
        do {
            return try WorkerHandshake.parse(body, command: command)
        } catch {
            _ = terminate()
            throw error
        }
    }

    /// Sends a batch and reads one result per input.
    func exchange(_ inputs: [EncoderInput]) throws(EmbeddingCacheError) -> [WorkerMessages.Item] {
        let deadline = ContinuousClock.now + timeout
        let during = "a batch of \(inputs.count) input(s)"
        do {
            try input.write(WorkerMessages.batchFrame(inputs).encoded, before: deadline)
        } catch {
            throw failure(error, during: during)
        }
        let body = try receive(.results, during: during, before: deadline)
        do {
            return try WorkerMessages.decodeResults(body, expecting: inputs.count)
        } catch {
            throw failure(garbage: error.message, during: during)
        }
    }

    /// Closes the worker's stdin (its signal to exit), waits up to `grace`, then kills it.
    func stop(grace: Duration) {
        _ = end(grace: grace)
    }

    /// Kills the worker and describes how it ended, such as `exited with status 3`.
    func terminate() -> String {
        end(grace: .zero)
    }

    /// Closes stdin, waits up to `grace` for the process to exit, kills it if it has not, closes
    /// the pipes, and describes how it ended; only the first call acts.
    private func end(grace: Duration) -> String {
        ending.withLock { ending in
            if let ending { return ending }
            input.close()
            let exited = waitForExit(upTo: grace)
            if !exited {
                kill(process.processIdentifier, SIGKILL)
                _ = waitForExit(upTo: .seconds(5))
            }
            output.close()
            let description =
                !exited
                ? "was killed"
                : process.terminationReason == .uncaughtSignal
                    ? "was killed by signal \(process.terminationStatus)"
                    : "exited with status \(process.terminationStatus)"
            ending = description
            return description
        }
    }

    /// Reads one frame, expecting `kind`; a fatal frame or anything else is an error.
    private func receive(
        _ kind: WorkerFrame.Kind,
        during: String,
        before deadline: ContinuousClock.Instant
    ) throws(EmbeddingCacheError) -> Data {
        let header: (kind: WorkerFrame.Kind, length: UInt64)
        let body: Data
        do {
            header = try WorkerFrame.parseHeader(try output.read(UInt64(WorkerFrame.headerSize), before: deadline))
            if header.kind == .handshake, header.length > WorkerFrame.maximumHandshakeLength {
                throw WireError(message: "handshake of \(header.length) bytes is over the 1 MiB limit")
            }
            body = try output.read(header.length, before: deadline)
        } catch let error as WireError {
            throw failure(garbage: error.message, during: during)
        } catch {
            throw failure(error as! WorkerPipe.Failure, during: during)
        }
        switch header.kind {
        case kind: return body
        case .fatal:
            let reason = String(decoding: body, as: UTF8.self)
            throw described("gave up during \(during): \(reason)", ending: terminate())
        default:
            throw failure(garbage: "sent a \(header.kind) frame where a \(kind) frame belongs", during: during)
        }
    }

    private func failure(_ failure: WorkerPipe.Failure, during: String) -> EmbeddingCacheError {
        switch failure {
        case .closed:
            _ = waitForExit(upTo: .seconds(2))
            return described("stopped during \(during)", ending: terminate())
        case .timedOut:
            return described("did not answer within \(timeout) during \(during)", ending: terminate())
        case .system(let code):
            return described("could not be talked to during \(during) (errno \(code))", ending: terminate())
        }
    }

    private func failure(garbage: String, during: String) -> EmbeddingCacheError {
        described(
            "answered garbage during \(during) (\(garbage)); a worker must write only protocol frames to stdout",
            ending: terminate()
        )
    }

    /// An error naming the command, what happened, how it ended and its last stderr lines.
    private func described(_ what: String, ending: String) -> EmbeddingCacheError {
        var message = "worker '\(command)' \(what); it \(ending)"
        let lines = stderr.lastLines(waitingUpTo: .milliseconds(500))
        if !lines.isEmpty { message += "; last stderr: " + lines.suffix(3).joined(separator: " | ") }
        return EmbeddingCacheError(.encoderFailed, message)
    }

    /// Waits until the process has exited; `false` if it still runs after `patience`.
    private func waitForExit(upTo patience: Duration) -> Bool {
        exited.wait(upTo: patience)
    }

    private static func makePipe(_ command: WorkerCommand) throws(EmbeddingCacheError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw EmbeddingCacheError(.encoderFailed, "cannot create a pipe for worker '\(command)' (errno \(errno))")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }
}
