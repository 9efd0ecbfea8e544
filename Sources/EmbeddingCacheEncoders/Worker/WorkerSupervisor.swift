import Dispatch
import EmbeddingCache

/// Owns the workers of one ``ProcessEncoder``: hands each batch to a worker no other batch is
/// using, starts up to `capacity` workers as concurrent batches need them, and replaces a worker
/// that crashed, hung or answered garbage with a fresh one at a later batch.
///
/// A worker serves one batch at a time by construction: it is taken out of `idle` for the whole
/// exchange, so two batches never write to or read from the same pipes, and no batch can read
/// another's results.
actor WorkerSupervisor {
    let command: WorkerCommand
    let timeout: Duration
    /// How many workers may run at once: the number of batches served concurrently.
    let capacity: Int
    /// The handshake of the first worker, or the one remembered for it; every worker must state it.
    let handshake: WorkerHandshake
    /// The memo `handshake` was recalled from, until a worker of this run states it.
    private var recalledFrom: WorkerHandshakeMemo?
    /// How many worker processes this supervisor started.
    private(set) var startedWorkers: Int
    /// Every worker running, serving a batch or idle.
    private var running: [WorkerProcess]
    /// The running workers serving no batch.
    private var idle: [WorkerProcess]
    /// Workers being started.
    private var starting = 0
    /// Batches waiting for a worker to become idle or for room to start one.
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Set when a later worker failed to start or stated another handshake: none is started again.
    private var broken: EmbeddingCacheError?

    /// Starts the first worker and reads its handshake; others start when batches overlap.
    init(command: WorkerCommand, timeout: Duration, capacity: Int) async throws(EmbeddingCacheError) {
        self.command = command
        self.timeout = timeout
        self.capacity = max(1, capacity)
        let worker = try await Self.offPool { () throws(EmbeddingCacheError) in
            try WorkerProcess.launch(command, timeout: timeout)
        }
        handshake = try await Self.offPool { () throws(EmbeddingCacheError) in try worker.handshake() }
        running = [worker]
        idle = [worker]
        startedWorkers = 1
    }

    /// Starts no worker yet: the first starts at the first batch, and must state `handshake`.
    ///
    /// - Parameters:
    ///   - command: The worker's command line.
    ///   - timeout: How long its handshake or one batch may take.
    ///   - capacity: How many workers may run at once.
    ///   - handshake: The handshake `memo` remembered for the command.
    ///   - memo: Where it was remembered; told to forget it if the worker states another.
    init(
        command: WorkerCommand,
        timeout: Duration,
        capacity: Int,
        recalled handshake: WorkerHandshake,
        from memo: WorkerHandshakeMemo
    ) {
        self.command = command
        self.timeout = timeout
        self.capacity = max(1, capacity)
        self.handshake = handshake
        recalledFrom = memo
        running = []
        idle = []
        startedWorkers = 0
    }

    /// How many workers are running.
    var runningWorkers: Int { running.count }

    /// Sends one batch to an idle worker, starting one if none is idle and there is room.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/encoderFailed`` when the worker crashed, hung, answered
    ///   garbage or failed to start; that worker is then gone and a later batch starts another.
    ///   ``EmbeddingCacheError/Code/invalidEncoderOutput`` when a record breaks the handshake's
    ///   schema: the whole batch is refused, and the worker keeps running.
    func encode(
        _ batch: [EncoderInput]
    ) async throws(EmbeddingCacheError) -> [Result<TensorRecord, EmbeddingCacheError>] {
        let worker = try await checkOut()
        let items: [WorkerMessages.Item]
        do {
            items = try await Self.offPool { () throws(EmbeddingCacheError) in try worker.exchange(batch) }
        } catch {
            retire(worker)
            throw error
        }
        checkIn(worker)
        let schema = handshake.schema
        return try items.map { item throws(EmbeddingCacheError) in
            switch item {
            case .record(let record):
                do throws(EmbeddingCacheError) {
                    try schema.validate(record)
                } catch {
                    throw EmbeddingCacheError(
                        .invalidEncoderOutput,
                        "worker '\(command)' broke its handshake, so its whole batch is refused: \(error.message)"
                    )
                }
                return .success(record)
            case .failure(let reason):
                return .failure(EmbeddingCacheError(.encoderFailed, "worker '\(command)' failed this input: \(reason)"))
            }
        }
    }

    /// Stops every worker: closes their stdin and kills those not exited after `grace`.
    func stop(grace: Duration) async {
        let workers = running
        running = []
        idle = []
        await withTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { await Self.offPool { worker.stop(grace: grace) } } }
        }
    }

    /// Takes an idle worker for one batch, starting one when none is idle and fewer than `capacity`
    /// run; otherwise waits until a batch hands its worker back.
    private func checkOut() async throws(EmbeddingCacheError) -> WorkerProcess {
        while true {
            if let worker = idle.popLast() { return worker }
            if running.count + starting < capacity { return try await startWorker() }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    /// Makes a worker idle again after its batch, and wakes one waiting batch.
    private func checkIn(_ worker: WorkerProcess) {
        idle.append(worker)
        wakeOne()
    }

    /// Forgets a worker whose batch failed (it was killed), and wakes one waiting batch.
    private func retire(_ worker: WorkerProcess) {
        running.removeAll { $0 === worker }
        wakeOne()
    }

    private func wakeOne() {
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }

    /// Starts a worker for the batch asking, whose handshake must match the first worker's.
    private func startWorker() async throws(EmbeddingCacheError) -> WorkerProcess {
        if let broken { throw broken }
        starting += 1
        defer {
            starting -= 1
            wakeOne()
        }
        let (command, timeout, expected) = (self.command, self.timeout, self.handshake)
        let mismatch = recalledFrom == nil ? Self.restartedMismatch(command) : Self.recalledMismatch(command)
        do {
            let worker = try await Self.offPool { () throws(EmbeddingCacheError) in
                let worker = try WorkerProcess.launch(command, timeout: timeout)
                guard try worker.handshake() == expected else {
                    _ = worker.terminate()
                    throw mismatch
                }
                return worker
            }
            running.append(worker)
            startedWorkers += 1
            recalledFrom = nil
            return worker
        } catch {
            var error = error
            if error.code == .encoderIdentityChanged {
                recalledFrom?.forget(command)
            } else {
                let which = startedWorkers == 0 ? "starting the worker" : "starting another worker"
                error.message = "\(which): \(error.message); it will not be started again"
            }
            broken = error
            throw error
        }
    }

    /// The error of a worker started again that states another handshake than the first.
    private static func restartedMismatch(_ command: WorkerCommand) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .encoderFailed,
            "worker '\(command)' was started again and stated another identity or schema than at start"
        )
    }

    /// The error of a worker whose handshake differs from the one remembered for it.
    private static func recalledMismatch(_ command: WorkerCommand) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .encoderIdentityChanged,
            """
            worker '\(command)' stated another identity or schema than the one remembered for it, though \
            its command line, environment and identity files are unchanged: what this run served may \
            belong to the old identity, so it stops. The remembered handshake is forgotten; run again
            """
        )
    }

    /// Runs blocking work on a Dispatch thread, keeping the cooperative pool free.
    private static func offPool<T: Sendable>(
        _ work: @escaping @Sendable () throws(EmbeddingCacheError) -> T
    ) async throws(EmbeddingCacheError) -> T {
        let result: Result<T, EmbeddingCacheError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(EmbeddingCacheError) in try work() })
            }
        }
        return try result.get()
    }

    private static func offPool(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                work()
                continuation.resume()
            }
        }
    }
}
