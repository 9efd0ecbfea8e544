public import EmbeddingCache
import EmbeddingCacheImages
import Foundation

/// An encoder that runs in another process — any language, any framework — and speaks embcache's
/// worker protocol over its stdin and stdout (`docs/worker-protocol.md`).
///
/// ``start(command:configuration:)`` launches the command and reads its handshake, which gives
/// the encoder's namespace, schema and batch size (or, with ``Configuration/handshakes``, takes a
/// remembered handshake and launches the command only at the first batch). Each worker serves one batch at a time; with
/// ``Configuration/workers`` above 1, batches that overlap go to further copies of the worker,
/// started when first needed, each of which must state the same handshake. A worker
/// that crashes, hangs past ``Configuration/timeout`` or answers garbage fails its batch with
/// ``EmbeddingCacheError/Code/encoderFailed`` (nothing of that batch is stored) and is replaced by
/// a fresh process at the next batch, which must state the same handshake. Its stderr is copied
/// to ours, each line prefixed with `[worker PID]`. Starting a worker makes this process ignore
/// `SIGPIPE`, so a worker that dies mid-write is an error rather than the end of the program.
///
/// ```swift
/// let encoder = try await ProcessEncoder.start(command: "python3 Examples/workers/numpy_worker.py")
/// let cache = EmbeddingCache(store: store, encoder: encoder)
/// let records = try await cache.records(for: inputs)
/// await encoder.stop()
/// ```
public struct ProcessEncoder: EmbeddingEncoder {
    /// Settings of a worker process.
    public struct Configuration: Sendable {
        /// How long the handshake, or one batch from request to last result byte, may take before
        /// the worker is killed. Five minutes by default.
        public var timeout: Duration = .seconds(300)
        /// How long ``ProcessEncoder/stop()`` waits for the worker to exit after closing its stdin.
        public var stopGrace: Duration = .seconds(5)
        /// How many copies of the worker may run, each serving one batch at a time; 1 by default.
        /// Only the first starts with the encoder; the others start when batches overlap.
        public var workers = 1
        /// Where handshakes are remembered, so that a worker whose handshake names its identity
        /// files starts only at the first miss while they are unchanged; `nil` (the default)
        /// starts the worker with the encoder.
        public var handshakes: WorkerHandshakeMemo?

        /// Creates the default settings.
        public init() {}
    }

    /// The worker's command line.
    public let command: WorkerCommand
    /// What the worker stated at start.
    public let handshake: WorkerHandshake
    private let supervisor: WorkerSupervisor
    private let configuration: Configuration

    /// Starts the worker and reads its handshake.
    ///
    /// - Parameters:
    ///   - command: The command line, split shell-style (no shell is involved).
    ///   - configuration: The timeout and the stop grace period.
    /// - Returns: The encoder, with its worker running.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for a malformed command or a program
    ///   not found; ``EmbeddingCacheError/Code/encoderFailed`` when the worker exits, hangs or sends
    ///   a malformed handshake; ``EmbeddingCacheError/Code/unsupported`` for a protocol version
    ///   this embcache does not speak.
    public static func start(
        command: String,
        configuration: Configuration = Configuration()
    ) async throws(EmbeddingCacheError) -> ProcessEncoder {
        let command = try WorkerCommand(parsing: command)
        let supervisor: WorkerSupervisor
        if let memo = configuration.handshakes, let handshake = memo.recall(command) {
            supervisor = WorkerSupervisor(
                command: command,
                timeout: configuration.timeout,
                capacity: configuration.workers,
                recalled: handshake,
                from: memo
            )
        } else {
            let launched = StatMemo.wallClockNanoseconds()
            supervisor = try await WorkerSupervisor(
                command: command,
                timeout: configuration.timeout,
                capacity: configuration.workers
            )
            configuration.handshakes?.remember(supervisor.handshake, of: command, launched: launched)
        }
        return ProcessEncoder(
            command: command,
            handshake: supervisor.handshake,
            supervisor: supervisor,
            configuration: configuration
        )
    }

    private init(
        command: WorkerCommand,
        handshake: WorkerHandshake,
        supervisor: WorkerSupervisor,
        configuration: Configuration
    ) {
        self.command = command
        self.handshake = handshake
        self.supervisor = supervisor
        self.configuration = configuration
    }

    /// The model and preprocessing the worker stated.
    public var namespace: Namespace { handshake.namespace }

    /// The worker's preferred batch size.
    public var preferredBatchSize: Int { handshake.batchSize }

    /// The tensors the worker stated.
    public var schema: RecordSchema { handshake.schema }

    /// How many batches may be encoded at once: one per worker.
    public var concurrentBatches: Int { supervisor.capacity }

    /// How many worker processes were started so far: 0 while the handshake was taken from
    /// ``Configuration/handshakes`` and no input missed.
    public var startedWorkers: Int {
        get async { await supervisor.startedWorkers }
    }

    /// How many worker processes are running now.
    var runningWorkers: Int {
        get async { await supervisor.runningWorkers }
    }

    /// Decoded pixels for a worker that asked for `pixels`, the input's bytes otherwise.
    public var inputView: EncoderInputView { handshake.input == .pixels ? .decodedPixels : .bytes }

    /// Sends a batch to the worker (restarting it first if the last one failed).
    ///
    /// For a worker that asked for `pixels`, every input is decoded first, on every core; an input
    /// that is not a decodable image fails alone and is not sent.
    ///
    /// - Returns: One result per input; an input the worker reported an error for fails alone.
    /// - Throws: ``EmbeddingCacheError`` when the whole batch failed (see the type's discussion).
    public func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        guard handshake.input == .pixels else { return try await supervisor.encode(batch) }
        let decoder = ImageDecoder()
        let prepared = await ConcurrentMap.map(
            count: batch.count,
            workers: ProcessInfo.processInfo.activeProcessorCount
        ) {
            index in
            Result { () throws(EmbeddingCacheError) in try PixelParts.decoded(batch[index], with: decoder) }
        }
        let sendable = prepared.compactMap { try? $0.get() }
        var answers = (sendable.isEmpty ? [] : try await supervisor.encode(sendable))[...]
        return prepared.map { decoded in
            switch decoded {
            case .success: answers.popFirst()!
            case .failure(let error): .failure(error)
            }
        }
    }

    /// Stops every worker: closes its stdin, the signal to exit, and kills it after the grace period.
    public func stop() async {
        await supervisor.stop(grace: configuration.stopGrace)
    }
}
