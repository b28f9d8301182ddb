import Synchronization

/// Lets one task at a time run an asynchronous critical section, in arrival order.
///
/// A frame must be sealed and written before the next one is sealed, and the frames of one chunked
/// message must not interleave with another's, so sends on a connection take turns; so do receives.
/// Waiting for a turn is not cancellable: the task holding the lock is bounded by its own timeout.
final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` once every earlier caller's body has finished.
    func withLock<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquired = state.withLock { state in
            guard !state.locked else { return false }
            state.locked = true
            return true
        }
        guard !acquired else { return }
        await withCheckedContinuation { continuation in
            let acquiredMeanwhile = state.withLock { state in
                guard state.locked else {
                    state.locked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquiredMeanwhile { continuation.resume() }
        }
    }

    /// Hands the lock straight to the longest waiter, so it stays locked between them.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
