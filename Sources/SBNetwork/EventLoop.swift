import Foundation
import Synchronization

/// One background thread that waits for socket readiness and resumes the tasks waiting for it.
///
/// Sockets register with a loop when they are created. A task whose call would block suspends
/// on the loop instead of blocking a thread, so one loop serves any number of connections; the
/// tasks themselves run on Swift's cooperative thread pool. A suspended task resumes when its
/// socket is ready, when its deadline passes, when its task is cancelled (the call then throws
/// `CancellationError`), or when the socket is closed.
///
/// Most code uses ``shared``. A loop of your own lives until ``shutdown()``:
///
/// ```swift
/// let loop = try EventLoop()
/// defer { loop.shutdown() }
/// let listener = try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0), loop: loop)
/// ```
public final class EventLoop: Sendable {
    /// The process-wide loop, started on first use and never shut down.
    public static let shared: EventLoop = {
        do {
            return try EventLoop()
        } catch {
            // Without one epoll/kqueue descriptor at startup, no socket could work at all.
            fatalError("SBNetwork could not start its shared event loop: \(error)")
        }
    }()

    private let queue: PlatformEventQueue
    private let state = Mutex(State())

    /// Starts a loop on a new thread.
    ///
    /// - Throws: ``NetworkError/system(_:code:message:)`` when the system refuses another event queue
    ///   (usually the per-process descriptor limit).
    public init() throws(NetworkError) {
        queue = try PlatformEventQueue()
        let thread = Thread { [self] in run() }
        thread.name = "SBNetwork.EventLoop"
        thread.start()
    }

    /// Stops the loop: waiting calls throw ``NetworkError/eventLoopShutDown``, and so do later
    /// calls on its sockets. Returns at once; the thread exits shortly after. Calling it again does nothing.
    ///
    /// Do not shut down ``shared``: other parts of the process may use it.
    public func shutdown() {
        let resumptions = state.withLock { state -> [Resumption] in
            guard state.isRunning else { return [] }
            queue.wake()
            return state.stop()
        }
        resume(resumptions)
    }

    private func run() {
        var events: [ReadinessEvent] = []
        var resumptions: [Resumption] = []
        var armings: [Arming] = []
        events.reserveCapacity(256)
        while true {
            // nil: stop; .some(nil): sleep until a report or a wake-up; .some(limit): until the next deadline.
            let sleep = state.withLock { state -> Duration?? in
                guard state.isRunning else { return nil }
                return .some(state.prepareToSleep(now: .now, into: &resumptions))
            }
            resume(resumptions)
            resumptions.removeAll(keepingCapacity: true)
            guard let timeout = sleep else { break }
            queue.poll(timeout: timeout, into: &events)
            state.withLock { state in
                state.apply(events, into: &resumptions, armings: &armings)
                for arming in armings { resumptions += arm(arming, in: &state) }
            }
            armings.removeAll(keepingCapacity: true)
            resume(resumptions)
            resumptions.removeAll(keepingCapacity: true)
        }
        // Registrations change only under the lock while running, so nobody touches the queue now.
        queue.close()
    }

    private func resume(_ resumptions: [Resumption]) {
        for (continuation, outcome) in resumptions {
            continuation.resume(returning: outcome)
        }
    }

    /// Arms a descriptor as the state asked; called with the state's lock held.
    ///
    /// - Returns: The waiters to resume if the queue refused.
    private func arm(_ arming: Arming, in state: inout State) -> [Resumption] {
        do throws(NetworkError) {
            try queue.arm(
                arming.descriptor, token: arming.token, readable: arming.directions.readable,
                writable: arming.directions.writable)
            return []
        } catch {
            return state.armingFailed(arming)
        }
    }

    /// Starts watching a descriptor; the token identifies it in later calls.
    func register(_ descriptor: Int32) throws(NetworkError) -> UInt64 {
        try state.withLock { state throws(NetworkError) -> UInt64 in
            guard state.isRunning else { throw .eventLoopShutDown }
            let token = state.register(descriptor)
            do throws(NetworkError) {
                try queue.add(descriptor, token: token)
            } catch {
                _ = state.deregister(token)
                throw error
            }
            return token
        }
    }

    /// Stops watching a descriptor, which must still be open; its waiting tasks resume with `.closed`.
    func deregister(_ descriptor: Int32, token: UInt64) {
        let resumptions = state.withLock { state -> [Resumption] in
            guard state.isRunning else { return [] }
            queue.remove(descriptor)
            return state.deregister(token)
        }
        resume(resumptions)
    }

    /// Suspends until the registered descriptor may be ready for `interest`, the deadline passes,
    /// the task is cancelled, the registration ends or the loop shuts down.
    func wait(for interest: Interest, token: UInt64, deadline: ContinuousClock.Instant?) async -> WaitOutcome {
        let waiterID: UInt64
        switch state.withLock({ $0.beginWait(token: token, interest: interest) }) {
        case .finished(let outcome): return outcome
        case .suspend(let id): waiterID = id
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiter = Waiter(id: waiterID, deadline: deadline, continuation: continuation)
                let (immediate, refused) = state.withLock { state in
                    let decision = state.park(token: token, interest: interest, waiter: waiter)
                    // The loop sleeps past this deadline: make it recompute its timeout.
                    if decision.wake { queue.wake() }
                    return (decision.immediate, decision.arming.map { arm($0, in: &state) } ?? [])
                }
                resume(refused)
                if let immediate {
                    continuation.resume(returning: immediate)
                } else if Task.isCancelled {
                    // The cancellation handler may have run before the waiter was parked and found nothing.
                    cancel(token: token, interest: interest, waiterID: waiterID)
                }
            }
        } onCancel: {
            cancel(token: token, interest: interest, waiterID: waiterID)
        }
    }

    private func cancel(token: UInt64, interest: Interest, waiterID: UInt64) {
        let resumption = state.withLock { $0.cancel(token: token, interest: interest, waiterID: waiterID) }
        resumption.map { resume([$0]) }
    }
}
