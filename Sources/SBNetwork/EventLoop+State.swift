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

    /// A set of directions: those a registration is armed for, or those its waiters need.
    struct Directions: Equatable {
        var readable = false
        var writable = false

        func contains(_ other: Directions) -> Bool {
            (readable || !other.readable) && (writable || !other.writable)
        }
    }

    /// A request to arm a descriptor, which the loop makes while it still holds the state's lock, so
    /// that two tasks arming the same descriptor cannot undo each other's request.
    struct Arming {
        let descriptor: Int32
        let token: UInt64
        let directions: Directions
    }

    struct Registration {
        let descriptor: Int32
        var readable = Slot()
        var writable = Slot()
        /// What the event queue will report; each report disarms every direction.
        var armed = Directions()

        var waiting: Directions { Directions(readable: readable.waiter != nil, writable: writable.waiter != nil) }

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

    /// What ``State/park(token:interest:waiter:)`` decided.
    struct ParkDecision {
        /// The outcome to resume with at once instead of waiting.
        var immediate: WaitOutcome?
        /// Whether the loop must wake to honour the waiter's deadline.
        var wake = false
        /// The arming the waiter needs, if the registration is not armed for it yet.
        var arming: Arming?
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

        mutating func register(_ descriptor: Int32) -> UInt64 {
            // Tokens are never reused, so a late report for a closed descriptor whose number the
            // system handed out again cannot reach the new socket's waiters.
            defer { nextToken += 1 }
            registrations[nextToken] = Registration(descriptor: descriptor)
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
        mutating func park(token: UInt64, interest: Interest, waiter: Waiter) -> ParkDecision {
            guard isRunning else { return ParkDecision(immediate: .shutDown) }
            guard var registration = registrations[token] else { return ParkDecision(immediate: .closed) }
            if registration[interest].isReady {
                registration[interest].isReady = false
                registrations[token] = registration
                return ParkDecision(immediate: .ready)
            }
            registration[interest].waiter = waiter
            registrations[token] = registration
            var decision = ParkDecision(arming: arming(token))
            guard let deadline = waiter.deadline else { return decision }
            timers[waiter.id] = TimerEntry(token: token, interest: interest, deadline: deadline)
            guard case .sleeping(let until) = activity, until.map({ deadline < $0 }) ?? true else {
                return decision
            }
            activity = .working
            decision.wake = true
            return decision
        }

        /// Records that a registration is armed for all its waiters, and returns the request to
        /// make, unless it is armed for them already.
        private mutating func arming(_ token: UInt64) -> Arming? {
            guard var registration = registrations[token] else { return nil }
            let waiting = registration.waiting
            guard waiting != Directions(), !registration.armed.contains(waiting) else { return nil }
            registration.armed = waiting
            registrations[token] = registration
            return Arming(descriptor: registration.descriptor, token: token, directions: waiting)
        }

        /// Resumes the waiters of a registration the queue refused to arm: they retry their calls,
        /// which report the error if it lasts.
        mutating func armingFailed(_ arming: Arming) -> [Resumption] {
            guard var registration = registrations[arming.token] else { return [] }
            let waiters = [registration.readable.waiter, registration.writable.waiter].compactMap { $0 }
            registration.readable.waiter = nil
            registration.writable.waiter = nil
            registration.armed = Directions()
            registrations[arming.token] = registration
            return waiters.map { finish($0, .ready) }
        }

        /// Takes back a waiter whose task was cancelled, if it has not been resumed already.
        mutating func cancel(token: UInt64, interest: Interest, waiterID: UInt64) -> Resumption? {
            guard let waiter = registrations[token]?[interest].waiter, waiter.id == waiterID else { return nil }
            registrations[token]?[interest].waiter = nil
            return finish(waiter, .cancelled)
        }

        /// Applies the kernel's reports: each wakes its waiter, or is kept for the next wait. A report
        /// disarms its descriptor, which is armed again (through `armings`) if a waiter remains.
        mutating func apply(
            _ events: [ReadinessEvent], into resumptions: inout [Resumption], armings: inout [Arming]
        ) {
            activity = .working
            for event in events where registrations[event.token] != nil {
                registrations[event.token]?.armed = Directions()
                if event.readable { signal(token: event.token, interest: .readable, into: &resumptions) }
                if event.writable { signal(token: event.token, interest: .writable, into: &resumptions) }
                arming(event.token).map { armings.append($0) }
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
