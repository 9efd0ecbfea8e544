import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of a pipe to a worker, read and written without blocking past a deadline.
struct WorkerPipe: Sendable {
    /// Why an exchange with the worker stopped.
    enum Failure: Error {
        /// The worker closed its end (it exited or closed stdin/stdout).
        case closed
        /// The deadline passed.
        case timedOut
        /// A system call failed with this `errno`.
        case system(Int32)
    }

    /// The file descriptor, in non-blocking mode.
    let descriptor: Int32

    /// Takes ownership of `descriptor` and makes it non-blocking.
    init(_ descriptor: Int32) {
        self.descriptor = descriptor
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Writes every byte of `data`.
    func write(_ data: Data, before deadline: ContinuousClock.Instant) throws(Failure) {
        var offset = 0
        while offset < data.count {
            try wait(for: Int16(POLLOUT), before: deadline)
            let written = data.withUnsafeBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw errno == EPIPE ? .closed : .system(errno)
            }
            offset += written
        }
    }

    /// Reads exactly `count` bytes.
    func read(_ count: UInt64, before deadline: ContinuousClock.Instant) throws(Failure) -> Data {
        var buffer = Data(count: Int(min(count, 1 << 26)))
        var filled = 0
        while UInt64(filled) < count {
            if filled == buffer.count { buffer.count = Int(min(count, UInt64(buffer.count) * 2)) }
            try wait(for: Int16(POLLIN), before: deadline)
            let received = buffer.withUnsafeMutableBytes { raw in
                Foundation.read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            }
            if received == 0 { throw .closed }
            if received < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw .system(errno)
            }
            filled += received
        }
        return buffer
    }

    /// Closes the descriptor.
    func close() {
        _ = Foundation.close(descriptor)
    }

    /// Waits until the descriptor is ready for `events`, hung up, or the deadline passes.
    private func wait(for events: Int16, before deadline: ContinuousClock.Instant) throws(Failure) {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .timedOut }
            let milliseconds = Int32(clamping: Int64((remaining / .milliseconds(1)).rounded(.up)))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, min(milliseconds, 1000))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .system(errno) }
        }
    }
}
