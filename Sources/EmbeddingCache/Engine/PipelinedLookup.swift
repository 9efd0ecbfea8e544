import Synchronization

/// What a lookup found for one key.
enum LookupFinding: Sendable {
    /// A stored record that passed its checksum.
    case found(TensorRecord)
    /// No stored record.
    case absent
    /// A stored record that failed its checksum: never served.
    case corrupt
}

/// Reads and digests inputs on every core and looks their keys up on the same cores, a small group
/// at a time as they are digested (see ``EmbeddingStoreSynchronousLookup``).
///
/// Inputs are handed out one at a time through ``ConcurrentMap``, so a slow input does not idle the
/// other cores. The core that digests the last key of a group looks the group up before it takes
/// the next input; the last, partial group is looked up once every input is digested. A warm call
/// thus costs its reading, hashing and lookups, spread evenly over the cores, rather than a
/// digest step and a lookup step that each wait for their slowest part.
enum PipelinedLookup {
    /// Keys looked up together, in one read transaction of the store. Smaller groups leave less
    /// lookup work for the end of the pass; larger ones pay the transaction's fixed cost less often.
    static let groupSize = 32

    /// What a pass produced.
    struct Pass {
        /// Per input: its bytes (or `nil` when released) and digest, or why it could not be read.
        var loads: [BatchRun.Load]
        /// Per input: what its key's lookup found; `nil` when the input could not be read.
        var findings: [LookupFinding?]
        /// Seconds the lookups took, summed over the cores.
        var lookupSeconds: Double
    }

    /// The keys digested but not yet looked up, and what the pass's lookups reported.
    private struct Progress {
        var pending: [(input: Int, digest: ContentDigest)] = []
        var failure: (any Error)?
        var lookupSeconds = 0.0
    }

    /// Loads inputs `0..<count` with `load` and looks up the digest of each one that loaded with
    /// `lookUp`, on `workers` cores (in order on the calling thread when `workers` is 1; see
    /// ``ConcurrentMap``).
    ///
    /// - Parameters:
    ///   - load: Reads and digests one input; its digest must not be `nil`.
    ///   - lookUp: Looks a group of digests up, answering one finding per digest, in order.
    /// - Returns: Every input's load and finding.
    /// - Throws: The first error `lookUp` threw; lookups after it are skipped.
    static func run(
        count: Int,
        workers: Int,
        load: @escaping @Sendable (Int) -> BatchRun.Load,
        lookUp: @escaping @Sendable ([ContentDigest]) throws -> [LookupFinding]
    ) async throws -> Pass {
        let progress = Mutex(Progress())
        // Each input's finding is written by exactly one group, outside the lock, and read only
        // after every group is done.
        let findingsBuffer = UnsafeMutableBufferPointer<LookupFinding?>.allocate(capacity: count)
        findingsBuffer.initialize(repeating: nil)
        defer {
            _ = findingsBuffer.deinitialize()
            findingsBuffer.deallocate()
        }
        nonisolated(unsafe) let findings = findingsBuffer
        let lookUpGroup = { @Sendable (group: [(input: Int, digest: ContentDigest)]) in
            guard !group.isEmpty else { return }
            let (failure, seconds) = Timings.measureSynchronously { () -> (any Error)? in
                do {
                    for (entry, finding) in zip(group, try lookUp(group.map(\.digest))) {
                        findings[entry.input] = finding
                    }
                    return nil
                } catch {
                    return error
                }
            }
            progress.withLock { progress in
                progress.lookupSeconds += seconds
                if progress.failure == nil { progress.failure = failure }
            }
        }
        let loads = await ConcurrentMap.map(count: count, workers: workers) { index in
            let loaded = load(index)
            if case .success(let (_, digest?)) = loaded {
                lookUpGroup(
                    progress.withLock { progress in
                        progress.pending.append((index, digest))
                        guard progress.pending.count >= groupSize, progress.failure == nil else { return [] }
                        defer { progress.pending.removeAll(keepingCapacity: true) }
                        return progress.pending
                    }
                )
            }
            return loaded
        }
        lookUpGroup(progress.withLock { $0.failure == nil ? $0.pending : [] })
        let (failure, lookupSeconds) = progress.withLock { ($0.failure, $0.lookupSeconds) }
        if let failure { throw failure }
        return Pass(loads: loads, findings: Array(findings), lookupSeconds: lookupSeconds)
    }
}
