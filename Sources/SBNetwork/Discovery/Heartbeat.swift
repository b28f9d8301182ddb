import Dispatch

/// Runs an action at once and then every interval (with ±10 % jitter, so that nodes started together
/// do not stay in lockstep), from a Dispatch timer on a queue of its own rather than from a task; and
/// sooner when asked (``runSoon()``).
///
/// Why not a task: tasks share Swift's cooperative pool, one thread per core, with everything else the
/// process runs, and CPU-bound work there (training an epoch, simulating nodes, a busy test suite) can
/// hold every thread for longer than a peer's expiry. Peers would then drop a node that is alive, only
/// busy. A private serial queue runs on Dispatch's own threads, so the heartbeat stays on time.
final class Heartbeat: @unchecked Sendable {
    // @unchecked: `DispatchSourceTimer` is not `Sendable` on Linux, and `lastRun` is plain state; after
    // `init` both are touched only on `queue`, which serializes every use.
    private let queue: DispatchQueue
    private let timer: DispatchSourceTimer
    private let lastRun: LastRun
    /// The least time between two runs that ``runSoon()`` asks for.
    private let minimumGap: DispatchTimeInterval

    /// When the action last ran; confined to the heartbeat's queue.
    private final class LastRun: @unchecked Sendable {
        // @unchecked: read and written only on the heartbeat's queue.
        var time = DispatchTime(uptimeNanoseconds: 0)
    }

    /// Starts the heartbeat.
    ///
    /// - Parameters:
    ///   - interval: The time between two runs of `action`, before jitter.
    ///   - minimumGap: The least time between two runs when ``runSoon()`` asks for extra ones.
    ///   - label: The queue's label, as debuggers show it.
    ///   - action: Runs on the heartbeat's queue; it must not block.
    init(every interval: Duration, minimumGap: Duration, label: String, action: @escaping @Sendable () -> Void) {
        queue = DispatchQueue(label: label)
        timer = DispatchSource.makeTimerSource(queue: queue)
        lastRun = LastRun()
        self.minimumGap = .nanoseconds(Int(minimumGap / .nanoseconds(1)))
        let nanoseconds = Double(interval / .nanoseconds(1))
        timer.setEventHandler { [timer, lastRun] in
            action()
            lastRun.time = .now()
            let next = Int(nanoseconds * Double.random(in: 0.9...1.1))
            timer.schedule(deadline: .now() + .nanoseconds(next))
        }
        timer.schedule(deadline: .now())
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// Runs the action as soon as the minimum gap since its last run allows, instead of at the next
    /// interval; the interval then starts again from that run. Does nothing once stopped.
    func runSoon() {
        queue.async { [self] in
            guard !timer.isCancelled else { return }
            let earliest = lastRun.time + minimumGap
            timer.schedule(deadline: max(.now(), earliest))
        }
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
