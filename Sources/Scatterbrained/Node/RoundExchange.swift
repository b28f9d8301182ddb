import Synchronization

/// A namespace's synchronous rounds, shared by the training loop (which starts rounds and waits for
/// them to close) and the serving tasks (which deliver peers' models as they arrive).
final class RoundExchange: Sendable {
    private struct State {
        var machine: SynchronousRounds?
        /// The merged model of the round that closed last and the other nodes whose models it holds,
        /// until the training loop takes them.
        var installed: (model: ModelState, contributors: [NodeID])?
        /// Models that arrived before this node's first round, the newest per sender.
        var early: [NodeID: ModelState] = [:]
    }

    private let node: NodeID
    private let state = Mutex(State())
    private let origin = ContinuousClock.now

    init(node: NodeID) {
        self.node = node
    }

    /// The time the machine reads: since this exchange was created, on the monotonic clock.
    var now: Duration { .now - origin }

    /// The next round's number: one after the last round started.
    var nextRound: Int { state.withLock { ($0.machine?.round ?? 0) + 1 } }

    /// Starts a round with the node's model and the namespace's current members.
    ///
    /// - Returns: The actions the driver carries out (sends); installs and events are kept or returned.
    func start(_ local: ModelState, members: [NodeID], exchange: Exchange) throws(AggregationError)
        -> [SynchronousRounds.Action]
    {
        let policy = ExchangePolicy(graph: exchange.topology.graph(members: [node] + members))
        let now = now
        return try state.withLock { state throws(AggregationError) in
            var machine =
                state.machine
                ?? SynchronousRounds(node: node, policy: policy, strategy: exchange.strategy, timeout: exchange.timeout)
            var actions = try machine.updatePolicy(policy)
            // Models that came before the machine existed are delivered now that it does; the machine
            // keeps those of later rounds and refuses those of rounds gone by.
            for (sender, model) in state.early { actions += try machine.receive(model, from: sender) }
            state.early = [:]
            actions += try machine.startRound(with: local, now: now)
            state.machine = machine
            return keepInstall(actions, in: &state)
        }
    }

    /// Delivers a peer's model. One that arrives before this node's first round is kept until it starts.
    ///
    /// - Throws: ``AggregationError`` if the model closes the round and the strategy fails.
    func receive(_ model: ModelState, from sender: NodeID) throws(AggregationError) -> [SynchronousRounds.Action] {
        try state.withLock { state throws(AggregationError) in
            guard var machine = state.machine else {
                if model.round > state.early[sender]?.round ?? Int.min { state.early[sender] = model }
                return []
            }
            let actions = try machine.receive(model, from: sender)
            state.machine = machine
            return keepInstall(actions, in: &state)
        }
    }

    /// Closes the round if its deadline passed, and hands out the merged model once there is one.
    func poll() throws(AggregationError) -> (
        merged: (model: ModelState, contributors: [NodeID])?, actions: [SynchronousRounds.Action]
    ) {
        let now = now
        return try state.withLock { state throws(AggregationError) in
            var actions: [SynchronousRounds.Action] = []
            if var machine = state.machine {
                actions = try machine.tick(now: now)
                state.machine = machine
            }
            let remaining = keepInstall(actions, in: &state)
            defer { state.installed = nil }
            return (state.installed, remaining)
        }
    }

    /// Moves an install action into the state, with the contributors its merge event names, returning
    /// the other actions.
    private func keepInstall(_ actions: [SynchronousRounds.Action], in state: inout State)
        -> [SynchronousRounds.Action]
    {
        for case .install(let merged) in actions {
            let contributors = actions.lazy.compactMap { action -> [NodeID]? in
                guard case .event(.modelMerged(_, let contributors)) = action else { return nil }
                return contributors
            }.first
            state.installed = (merged, contributors ?? [])
        }
        return actions.filter { action in
            if case .install = action { false } else { true }
        }
    }
}
