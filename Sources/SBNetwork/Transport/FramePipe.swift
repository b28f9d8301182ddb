import SBWire
import Synchronization

/// One direction of an in-memory connection: a bounded, ordered queue of frames between one
/// sending task and one receiving task.
///
/// The bound is in frame bytes, like a socket's buffers: a sender suspends while the queue holds
/// ``capacity`` bytes or more (a frame larger than the bound still goes through once the queue is
/// empty), so a fast sender cannot outrun a slow receiver by more than the bound. Waits end on
/// their deadline, on cancellation, or when either side closes.
final class FramePipe: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var frames: [Frame] = []
        /// Index in `frames` of the next frame to receive; the consumed prefix is dropped in batches.
        var head = 0
        var bufferedBytes = 0
        /// The sending side closed: the receiver drains what is queued, then sees the end of the stream.
        var finished = false
        /// The receiving side closed: sends fail, like writes to a closed socket.
        var abandoned = false
        var sender: Waiter?
        var receiver: Waiter?
        var nextWaiterID: UInt64 = 0
    }

    private enum Role {
        case sender, receiver

        var slot: WritableKeyPath<State, Waiter?> {
            switch self {
            case .sender: \.sender
            case .receiver: \.receiver
            }
        }

        var operation: NetworkError.Operation {
            switch self {
            case .sender: .write
            case .receiver: .read
            }
        }
    }

    /// The number of queued frame bytes at which senders wait.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Queues a frame, waiting for room.
    ///
    /// - Throws: ``TransportError/network(_:)`` with ``NetworkError/connectionReset`` when the receiver
    ///   has closed, ``NetworkError/closed`` after ``finish()``, ``NetworkError/timedOut(_:)``; or `CancellationError`.
    func send(_ frame: Frame, deadline: ContinuousClock.Instant?) async throws {
        let size = frame.encodedByteCount
        while true {
            let (queued, wake) = try state.withLock { state throws(TransportError) -> (Bool, Waiter?) in
                if state.abandoned { throw .network(.connectionReset) }
                if state.finished { throw .network(.closed) }
                guard state.bufferedBytes == 0 || state.bufferedBytes + size <= capacity else { return (false, nil) }
                state.frames.append(frame)
                state.bufferedBytes += size
                defer { state.receiver = nil }
                return (true, state.receiver)
            }
            wake?.continuation.resume()
            if queued { return }
            let limit = capacity
            try await wait(as: .sender, deadline: deadline) { state in
                state.abandoned || state.finished || state.bufferedBytes + size <= limit
            }
        }
    }

    /// Takes the next frame, waiting for one; nil once the sender has finished and the queue is empty.
    ///
    /// - Throws: ``TransportError/network(_:)`` with ``NetworkError/closed`` after ``abandon()``,
    ///   ``NetworkError/timedOut(_:)``; or `CancellationError`.
    func receive(deadline: ContinuousClock.Instant?) async throws -> Frame? {
        while true {
            let (frame, ended, wake) = try state.withLock { state throws(TransportError) -> (Frame?, Bool, Waiter?) in
                if state.abandoned { throw .network(.closed) }
                guard state.head < state.frames.count else { return (nil, state.finished, nil) }
                let frame = state.frames[state.head]
                state.head += 1
                state.bufferedBytes -= frame.encodedByteCount
                if state.head >= 64 && state.head * 2 >= state.frames.count {
                    state.frames.removeFirst(state.head)
                    state.head = 0
                }
                defer { state.sender = nil }
                return (frame, false, state.sender)
            }
            wake?.continuation.resume()
            if frame != nil || ended { return frame }
            try await wait(as: .receiver, deadline: deadline) { state in
                state.abandoned || state.finished || state.head < state.frames.count
            }
        }
    }

    /// Closes the sending side: queued frames still arrive, then the receiver sees the end of the stream.
    func finish() {
        close { $0.finished = true }
    }

    /// Closes the receiving side: queued frames are dropped and the sender's next send fails.
    func abandon() {
        close { state in
            state.abandoned = true
            state.frames = []
            state.head = 0
            state.bufferedBytes = 0
        }
    }

    private func close(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state in
            change(&state)
            defer {
                state.sender = nil
                state.receiver = nil
            }
            return [state.sender, state.receiver]
        }
        for waiter in waiters {
            waiter?.continuation.resume()
        }
    }

    /// Suspends until the other side changes the state, the deadline passes or the task is cancelled;
    /// returns at once if `ready` already holds. The caller re-checks the state afterwards.
    private func wait(
        as role: Role, deadline: ContinuousClock.Instant?, until ready: @escaping (State) -> Bool
    ) async throws {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timer = deadline.map { deadline in
            Task { [weak self] in
                try await Task.sleep(until: deadline)
                self?.expire(id, role: role, with: TransportError.network(.timedOut(role.operation)))
            }
        }
        defer { timer?.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked under the lock that expire() takes, so a timeout or cancellation that came
                // before the waiter was stored is not missed.
                let outcome: Result<Bool, any Error> = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let deadline, ContinuousClock.now >= deadline {
                        return .failure(TransportError.network(.timedOut(role.operation)))
                    }
                    if ready(state) { return .success(true) }
                    state[keyPath: role.slot] = Waiter(id: id, continuation: continuation)
                    return .success(false)
                }
                switch outcome {
                case .failure(let error): continuation.resume(throwing: error)
                case .success(true): continuation.resume()
                case .success(false): break
                }
            }
        } onCancel: {
            expire(id, role: role, with: CancellationError())
        }
    }

    private func expire(_ id: UInt64, role: Role, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state[keyPath: role.slot], waiter.id == id else { return nil }
            state[keyPath: role.slot] = nil
            return waiter
        }
        waiter?.continuation.resume(throwing: error)
    }
}
