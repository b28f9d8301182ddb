import Synchronization

/// The state a membership service's tasks share: the ``Membership`` and its event stream. Every change
/// happens under one lock, so events come out in the order the state machine produced them.
final class MembershipCore: Sendable {
    private let state: Mutex<Membership>
    private let continuation: AsyncStream<MembershipEvent>.Continuation

    init(_ membership: Membership, continuation: AsyncStream<MembershipEvent>.Continuation) {
        state = Mutex(membership)
        self.continuation = continuation
    }

    /// Reads one value of the state.
    func read<Value>(_ value: (Membership) -> Value) -> Value {
        state.withLock { value($0) }
    }

    /// Runs `body` on the state, publishes its notifications in order, and returns the seeds to exchange with.
    @discardableResult
    func apply(_ body: (inout Membership) -> [Membership.Action]) -> [SocketAddress] {
        respond { membership in ((), body(&membership)) }.seeds
    }

    /// Runs `body` on the state, publishes its notifications in order, and returns its result and the
    /// seeds to exchange with.
    func respond<Result>(_ body: (inout Membership) -> (Result, [Membership.Action])) -> (
        result: Result, seeds: [SocketAddress]
    ) {
        state.withLock { membership in
            let (result, actions) = body(&membership)
            var seeds: [SocketAddress] = []
            for action in actions {
                switch action {
                case .exchange(let seed):
                    seeds.append(seed)
                case .notify(let event):
                    if case .dropped = continuation.yield(event) { membership.statistics.eventsDropped += 1 }
                }
            }
            return (result, seeds)
        }
    }

    /// Ends the event stream once the service has stopped, so that readers see its end.
    func finish() {
        continuation.finish()
    }
}
