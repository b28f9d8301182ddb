import Synchronization

/// The models peers pushed to one namespace, in arrival order, until its exchange takes them.
///
/// Pushes arrive on the serving tasks at any time, also before the namespace trains or between two
/// `train` calls; the training loop drains the inbox at its exchange points and hands the models to
/// the mode's state machine, which decides what each one is worth. The inbox is bounded: each
/// sender keeps its newest few models, and the whole inbox a fixed number, the oldest dropping out.
///
/// An exchange that waits for models waits in ``waitForDelivery(timeout:)``, which a filed model ends
/// at once: a round closes as soon as its last model arrives, not at the next poll.
final class Inbox: Sendable {
    /// One pushed model and the node whose connection it came on.
    struct Delivery: Sendable {
        var sender: NodeID
        var model: ModelState
    }

    /// Models kept per sender: as many rounds as a synchronous round keeps from a peer that runs ahead.
    static let perSender = SynchronousRounds.earlyRoundsPerSender
    /// Models kept in all; bounds memory when many peers push while the namespace does not train.
    static let capacity = 256

    private struct State {
        var deliveries: [Delivery] = []
        /// Tasks suspended waiting for a delivery, by wait.
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waits under way and not cancelled; a wait cancelled before it suspends finds itself missing.
        var live: Set<UInt64> = []
        var nextWait: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Files a model.
    ///
    /// - Returns: The model dropped to make room, if one was.
    func put(_ model: ModelState, from sender: NodeID) -> Delivery? {
        let (dropped, waiters) = state.withLock { state in
            state.deliveries.append(Delivery(sender: sender, model: model))
            let fromSender = state.deliveries.indices.filter { state.deliveries[$0].sender == sender }
            let dropped: Delivery? =
                if fromSender.count > Self.perSender {
                    state.deliveries.remove(at: fromSender[0])
                } else if state.deliveries.count > Self.capacity {
                    state.deliveries.removeFirst()
                } else {
                    nil
                }
            defer { state.waiters = [:] }
            return (dropped, state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
        return dropped
    }

    /// Files models taken out earlier and not used, ahead of those that arrived since; each one's
    /// origin is its sender.
    func putBack(_ models: [ModelState]) {
        state.withLock { state in
            state.deliveries.insert(contentsOf: models.map { Delivery(sender: $0.origin, model: $0) }, at: 0)
        }
    }

    /// Takes every model filed so far, oldest first.
    func drain() -> [Delivery] {
        state.withLock { state in
            defer { state.deliveries = [] }
            return state.deliveries
        }
    }

    /// Returns once a model is waiting to be drained (at once if one is), or after `timeout`, or when
    /// the task is cancelled.
    func waitForDelivery(timeout: Duration) async {
        await withTaskGroup { group in
            group.addTask { await self.waitForDelivery() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once a model is waiting, or when the task is cancelled.
    private func waitForDelivery() async {
        let wait = state.withLock { state in
            defer { state.nextWait += 1 }
            state.live.insert(state.nextWait)
            return state.nextWait
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let suspended = state.withLock { state in
                    guard state.deliveries.isEmpty, state.live.contains(wait) else { return false }
                    state.waiters[wait] = continuation
                    return true
                }
                if !suspended { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.live.remove(wait)
                return state.waiters.removeValue(forKey: wait)
            }
            waiter?.resume()
        }
        state.withLock { _ = $0.live.remove(wait) }
    }
}
