import Dispatch

/// Runs an action at once and then every interval (with ±10 % jitter, so that nodes started together
/// do not stay in lockstep), from a Dispatch timer on a queue of its own rather than from a task.
///
/// Why not a task: tasks share Swift's cooperative pool, one thread per core, with everything else the
/// process runs, and CPU-bound work there (training an epoch, simulating nodes, a busy test suite) can
/// hold every thread for longer than a peer's expiry. Peers would then drop a node that is alive, only
/// busy. A private serial queue runs on Dispatch's own threads, so the heartbeat stays on time.
final class Heartbeat: @unchecked Sendable {
    // @unchecked: `DispatchSourceTimer` is not `Sendable` on Linux; after `init` the timer is touched
    // only on `queue`, which serializes every use.
    private let queue: DispatchQueue
    private let timer: DispatchSourceTimer

    /// Starts the heartbeat.
    ///
    /// - Parameters:
    ///   - interval: The time between two runs of `action`, before jitter.
    ///   - label: The queue's label, as debuggers show it.
    ///   - action: Runs on the heartbeat's queue; it must not block.
    init(every interval: Duration, label: String, action: @escaping @Sendable () -> Void) {
        queue = DispatchQueue(label: label)
        timer = DispatchSource.makeTimerSource(queue: queue)
        let nanoseconds = Double(interval / .nanoseconds(1))
        timer.setEventHandler { [timer] in
            action()
            let next = Int(nanoseconds * Double.random(in: 0.9...1.1))
            timer.schedule(deadline: .now() + .nanoseconds(next))
        }
        timer.schedule(deadline: .now())
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// Stops the heartbeat, then runs `last` on its queue: after every run of the action, and with no
    /// run after it. Calling it again only runs `last`.
    func stop(then last: @escaping @Sendable () -> Void = {}) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                timer.cancel()
                last()
                continuation.resume()
            }
        }
    }
}
