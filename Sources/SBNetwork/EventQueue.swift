/// One report from the kernel: the descriptor registered under `token` may be readable or writable now.
struct ReadinessEvent {
    var token: UInt64
    var readable: Bool
    var writable: Bool
}

/// The kernel's readiness queue (epoll on Linux, kqueue on Apple platforms), as the event loop uses it.
///
/// A descriptor is reported only while armed, and a report disarms it: the loop arms a descriptor
/// (``arm(_:token:readable:writable:)``) when a task starts waiting on it, so sockets nobody waits
/// for, such as a sender's socket receiving acknowledgements while its task is busy checksumming,
/// cost the loop no wake-ups. Arming reports a descriptor that is already ready at once. A report
/// means "retry the call"; one that arrives after its waiter gave up is remembered by the loop.
/// Errors and hang-ups are reported as both readable and writable, so that whichever call retries
/// sees the error itself.
protocol EventQueue: Sendable {
    /// The token of the queue's own wake-up source; registrations use other values.
    static var wakeToken: UInt64 { get }

    init() throws(NetworkError)

    /// Registers a descriptor, disarmed.
    func add(_ descriptor: Int32, token: UInt64) throws(NetworkError)

    /// Arms a registered descriptor for one report in the given directions (an error or hang-up counts
    /// as either), replacing what it was armed for. Afterwards it may be disarmed in every direction.
    func arm(_ descriptor: Int32, token: UInt64, readable: Bool, writable: Bool) throws(NetworkError)

    /// Stops watching; harmless for a descriptor that is not watched.
    func remove(_ descriptor: Int32)

    /// Blocks until a report arrives, ``wake()`` is called or `timeout` passes (`nil`: no limit),
    /// and replaces `events` with the reports (wake-ups excluded, interruptions give none).
    func poll(timeout: Duration?, into events: inout [ReadinessEvent])

    /// Makes a concurrent or the next ``poll(timeout:into:)`` return promptly. Safe from any thread.
    func wake()

    /// Releases the queue's descriptors; no other method may be called afterwards.
    func close()
}

extension Duration {
    /// Whole milliseconds, rounded up so that a poll never returns before a deadline and spins.
    var roundedUpMilliseconds: Int32 {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
