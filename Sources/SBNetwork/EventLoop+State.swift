extension EventLoop {
    /// The direction a task waits for.
    enum Interest {
        case readable
        case writable
    }

    /// How a wait ended.
    enum WaitOutcome: Sendable {
        /// The descriptor became ready (or may have: callers retry their call and may wait again).
        case ready
        case timedOut
        /// The socket was closed by this process.
        case closed
        case shutDown
        case cancelled
    }

    typealias Resumption = (continuation: CheckedContinuation<WaitOutcome, Never>, outcome: WaitOutcome)

    /// A suspended task and when it gives up.
    struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<WaitOutcome, Never>
    }

    /// One direction of a registration: either an unclaimed readiness report, a waiting task, or neither.
    struct Slot {
        var isReady = false
        var waiter: Waiter?
    }

    struct Registration {
        var readable = Slot()
        var writable = Slot()

        subscript(interest: Interest) -> Slot {
            get { interest == .readable ? readable : writable }
            set {
                if interest == .readable { readable = newValue } else { writable = newValue }
            }
        }
    }

    /// Where a waiter sits, so its deadline can find it.
    struct TimerEntry {
        let token: UInt64
        let interest: Interest
        let deadline: ContinuousClock.Instant
    }

    /// What the loop thread is doing, so that only a waiter with an earlier deadline than its
    /// current sleep pays for a wake-up.
    enum Activity {
        case working
        case sleeping(until: ContinuousClock.Instant?)
    }

    /// What ``State/beginWait(token:interest:)`` decided.
    enum WaitStart {
        case finished(WaitOutcome)
        case suspend(waiterID: UInt64)
    }

    /// Every registration and waiter of one loop. A pure state machine: methods return the
    /// continuations to resume, which callers resume after releasing the lock.
    struct State {
        private(set) var isRunning = true
        private var registrations: [UInt64: Registration] = [:]
        private var timers: [UInt64: TimerEntry] = [:]
        private var nextToken: UInt64 = 1
        private var nextWaiterID: UInt64 = 0
        private var activity = Activity.working

        mutating func register() -> UInt64 {
            // Tokens are never reused, so a late report for a closed descriptor whose number the
            // system handed out again cannot reach the new socket's waiters.
            defer { nextToken += 1 }
            registrations[nextToken] = Registration()
            return nextToken
        }

        /// Forgets a registration; its waiters learn that the socket was closed.
        mutating func deregister(_ token: UInt64) -> [Resumption] {
            guard let registration = registrations.removeValue(forKey: token) else { return [] }
            return [registration.readable.waiter, registration.writable.waiter].compactMap { waiter in
                waiter.map { finish($0, .closed) }
            }
        }

        /// Claims an unclaimed readiness report, or hands out a waiter id to suspend with.
        mutating func beginWait(token: UInt64, interest: Interest) -> WaitStart {
            guard isRunning else { return .finished(.shutDown) }
            guard var registration = registrations[token] else { return .finished(.closed) }
            precondition(registration[interest].waiter == nil, "two tasks wait for the same socket direction")
            if registration[interest].isReady {
                registration[interest].isReady = false
                registrations[token] = registration
                return .finished(.ready)
            }
            nextWaiterID += 1
            return .suspend(waiterID: nextWaiterID)
        }

        /// Parks a waiter, unless a report, a close or a shutdown arrived since ``beginWait(token:interest:)``.
        /// Returns the outcome to resume with at once, and whether the loop must wake to honour the deadline.
        mutating func park(token: UInt64, interest: Interest, waiter: Waiter) -> (immediate: WaitOutcome?, wake: Bool) {
            guard isRunning else { return (.shutDown, false) }
            guard var registration = registrations[token] else { return (.closed, false) }
            if registration[interest].isReady {
                registration[interest].isReady = false
                registrations[token] = registration
                return (.ready, false)
            }
            registration[interest].waiter = waiter
            registrations[token] = registration
            guard let deadline = waiter.deadline else { return (nil, false) }
            timers[waiter.id] = TimerEntry(token: token, interest: interest, deadline: deadline)
            guard case .sleeping(let until) = activity, until.map({ deadline < $0 }) ?? true else {
                return (nil, false)
            }
            activity = .working
            return (nil, true)
        }

        /// Takes back a waiter whose task was cancelled, if it has not been resumed already.
        mutating func cancel(token: UInt64, interest: Interest, waiterID: UInt64) -> Resumption? {
            guard let waiter = registrations[token]?[interest].waiter, waiter.id == waiterID else { return nil }
            registrations[token]?[interest].waiter = nil
            return finish(waiter, .cancelled)
        }

        /// Applies the kernel's reports: each wakes its waiter, or is kept for the next wait.
        mutating func apply(_ events: [ReadinessEvent], into resumptions: inout [Resumption]) {
            activity = .working
            for event in events where registrations[event.token] != nil {
                if event.readable { signal(token: event.token, interest: .readable, into: &resumptions) }
                if event.writable { signal(token: event.token, interest: .writable, into: &resumptions) }
            }
        }

        private mutating func signal(token: UInt64, interest: Interest, into resumptions: inout [Resumption]) {
            if let waiter = registrations[token]?[interest].waiter {
                registrations[token]?[interest].waiter = nil
                resumptions.append(finish(waiter, .ready))
            } else {
                registrations[token]?[interest].isReady = true
            }
        }

        /// Times out every waiter whose deadline has passed, then records how long the loop may
        /// sleep: until the earliest remaining deadline, or indefinitely.
        mutating func prepareToSleep(now: ContinuousClock.Instant, into resumptions: inout [Resumption])
            -> Duration?
        {
            var earliest: ContinuousClock.Instant?
            for (id, entry) in timers {
                if entry.deadline <= now {
                    if let waiter = registrations[entry.token]?[entry.interest].waiter, waiter.id == id {
                        registrations[entry.token]?[entry.interest].waiter = nil
                        resumptions.append(finish(waiter, .timedOut))
                    }
                } else if earliest.map({ entry.deadline < $0 }) ?? true {
                    earliest = entry.deadline
                }
            }
            activity = .sleeping(until: earliest)
            return earliest.map { now.duration(to: $0) }
        }

        /// Stops the loop: every waiter learns that it was shut down.
        mutating func stop() -> [Resumption] {
            isRunning = false
            let waiters = registrations.values.flatMap { [$0.readable.waiter, $0.writable.waiter] }.compactMap { $0 }
            registrations = [:]
            return waiters.map { finish($0, .shutDown) }
        }

        private mutating func finish(_ waiter: Waiter, _ outcome: WaitOutcome) -> Resumption {
            if waiter.deadline != nil { timers[waiter.id] = nil }
            return (waiter.continuation, outcome)
        }
    }
}
