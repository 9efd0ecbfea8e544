import Dispatch
import EmbeddingCache

/// Owns the running worker of one ``ProcessEncoder``: serves one batch at a time, and replaces a
/// worker that crashed, hung or answered garbage with a fresh one at the next batch.
actor WorkerSupervisor {
    let command: WorkerCommand
    let timeout: Duration
    /// The handshake of the first worker; every restarted worker must state the same.
    let handshake: WorkerHandshake
    private var running: WorkerProcess?
    /// Set when a restarted worker failed its handshake: it is not started again.
    private var broken: EmbeddingCacheError?

    /// Starts the first worker and reads its handshake.
    init(command: WorkerCommand, timeout: Duration) async throws(EmbeddingCacheError) {
        self.command = command
        self.timeout = timeout
        let worker = try await Self.offPool { () throws(EmbeddingCacheError) in
            try WorkerProcess.launch(command, timeout: timeout)
        }
        handshake = try await Self.offPool { () throws(EmbeddingCacheError) in try worker.handshake() }
        running = worker
    }

    /// Sends one batch to the worker, starting one if none runs.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/encoderFailed`` when the worker crashed, hung, answered
    ///   garbage or failed to restart; the worker is then gone and the next batch starts another.
    ///   ``EmbeddingCacheError/Code/invalidEncoderOutput`` when a record breaks the handshake's
    ///   schema: the whole batch is refused, and the worker keeps running.
    func encode(
        _ batch: [EncoderInput]
    ) async throws(EmbeddingCacheError) -> [Result<TensorRecord, EmbeddingCacheError>] {
        let worker = try await worker()
        let items: [WorkerMessages.Item]
        do {
            items = try await Self.offPool { () throws(EmbeddingCacheError) in try worker.exchange(batch) }
        } catch {
            running = nil
            throw error
        }
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

    /// Stops the running worker: closes its stdin and kills it if it has not exited after `grace`.
    func stop(grace: Duration) async {
        guard let worker = running else { return }
        running = nil
        await Self.offPool { worker.stop(grace: grace) }
    }

    /// The running worker, or a freshly started one whose handshake matches the first.
    private func worker() async throws(EmbeddingCacheError) -> WorkerProcess {
        if let running { return running }
        if let broken { throw broken }
        let (command, timeout, expected) = (self.command, self.timeout, self.handshake)
        do {
            let worker = try await Self.offPool { () throws(EmbeddingCacheError) in
                let worker = try WorkerProcess.launch(command, timeout: timeout)
                guard try worker.handshake() == expected else {
                    _ = worker.terminate()
                    throw EmbeddingCacheError(
                        .encoderFailed,
                        "worker '\(command)' was restarted and stated another identity or schema than at start"
                    )
                }
                return worker
            }
            running = worker
            return worker
        } catch {
            var error = error
            error.message = "restarting: \(error.message); it will not be started again"
            broken = error
            throw error
        }
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
