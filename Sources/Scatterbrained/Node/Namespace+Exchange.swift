/// The state of one `train` call's exchange: the mode's state machine, created when the call starts.
enum ExchangeSession: Sendable {
    case local
    case synchronous(SynchronousRounds, topology: Topology)
    case asynchronous(AsynchronousMerging, topology: Topology)
    case central(CentralParticipant, timeout: Duration)
}

/// What a federation state machine asks the namespace to do, whichever the mode.
enum ExchangeStep {
    /// Push `model` to each of `nodes`; with `newestOnly`, it supersedes the models still queued for them.
    case send(ModelState, to: [NodeID], newestOnly: Bool = false)
    /// Continue from this model.
    case install(ModelState)
    /// Report this event.
    case event(FederationEvent)
}

/// What an exchange produced: the model to continue from, if any, and the other nodes whose models it holds.
struct ExchangeOutcome: Sendable {
    var installed: ModelState?
    var contributors: [NodeID] = []
}

extension Namespace {
    /// The longest a waiting exchange goes without looking at its deadlines and the namespace's members;
    /// a model that arrives wakes it at once.
    static let exchangeCheckInterval = Duration.milliseconds(20)

    /// The time the federation state machines read: since the namespace opened, on the monotonic clock.
    var clock: Duration { .now - clockOrigin }

    /// Sets up a `train` call's exchange; in central mode, waits for the authority's first global model.
    ///
    /// - Returns: The session, and the model to start training from if the mode provides one.
    func startExchange(_ exchange: Exchange) async throws -> (ExchangeSession, start: ModelParameters?) {
        switch exchange.mode {
        case .local:
            return (.local, nil)
        case .synchronous(let timeout):
            let rounds = SynchronousRounds(
                node: runtime.nodeID, policy: exchangePolicy(exchange.topology), strategy: exchange.strategy,
                timeout: timeout, quietSources: quietPeers)
            return (.synchronous(rounds, topology: exchange.topology), nil)
        case .asynchronous:
            let merging = AsynchronousMerging(
                node: runtime.nodeID, policy: exchangePolicy(exchange.topology), strategy: exchange.strategy,
                round: lastRound)
            return (.asynchronous(merging, topology: exchange.topology), nil)
        case .central(let authority, let timeout):
            if let participant = centralParticipant, authority == nil || authority == participant.authority {
                return (.central(participant, timeout: timeout), nil)
            }
            let (participant, global) = try await firstGlobalModel(from: authority, timeout: timeout)
            return (.central(participant, timeout: timeout), global)
        }
    }

    /// Keeps what the next `train` call needs from the session: the models its state machine holds for
    /// later rounds go back to the inbox, the peers it stopped waiting for and the central participant
    /// are kept. A node that trains one epoch per call would otherwise lose its peers' early models, wait
    /// again for peers that only serve, or wait for a global model it already has.
    func endExchange(_ session: ExchangeSession) {
        switch session {
        case .local:
            break
        case .central(let participant, _):
            centralParticipant = participant
        case .synchronous(var rounds, _):
            board.inbox.putBack(rounds.takeEarlyModels())
            quietPeers = rounds.quietSources
        case .asynchronous(var merging, _):
            board.inbox.putBack(merging.takeFreshModels())
        }
    }

    /// One exchange point: sends the node's weights as the mode says and gathers what the mode aggregates.
    ///
    /// - Parameters:
    ///   - parameters: The node's weights now, ordered by name (``wireOrderedParameters(of:)``).
    ///   - sampleCount: The training samples behind them.
    /// - Returns: The weights to continue from, if the exchange produced any, and whose models they hold.
    func exchangePoint(_ session: inout ExchangeSession, parameters: ModelParameters, sampleCount: Int)
        async throws -> ExchangeOutcome
    {
        switch session {
        case .local:
            return ExchangeOutcome()
        case .synchronous(var rounds, let topology):
            defer { session = .synchronous(rounds, topology: topology) }
            return try await synchronousRound(
                &rounds, topology: topology, parameters: parameters, sampleCount: sampleCount)
        case .asynchronous(var merging, let topology):
            defer { session = .asynchronous(merging, topology: topology) }
            return try await asynchronousMerge(
                &merging, topology: topology, parameters: parameters, sampleCount: sampleCount)
        case .central(var participant, let timeout):
            defer { session = .central(participant, timeout: timeout) }
            return try await centralRound(
                &participant, timeout: timeout, parameters: parameters, sampleCount: sampleCount)
        }
    }

    /// The topology's graph over this node and the admitted peers, with the namespace's peer filter.
    func exchangePolicy(_ topology: Topology) -> ExchangePolicy {
        ExchangePolicy(
            graph: topology.graph(members: [runtime.nodeID] + peers.map(\.nodeID)), filter: board.filter)
    }

    /// Pushes, installs and reports as the state machine asked.
    func carryOut(_ steps: [ExchangeStep], into outcome: inout ExchangeOutcome) async {
        for step in steps {
            switch step {
            case .send(let model, let nodes, let newestOnly):
                await send(model, to: nodes, replacingQueued: newestOnly)
            case .install(let model):
                outcome.installed = model
            case .event(let event):
                if case .modelMerged(_, let contributors) = event { outcome.contributors = contributors }
                board.report(event)
            }
        }
    }

    /// The module's weights ordered by name, as the models peers push arrive (a state dict has no order
    /// of its own), so that the two line up in aggregation.
    func wireOrderedParameters(of module: Module) -> ModelParameters {
        ModelParameters(stateDict: module.stateDict())
    }

    /// Hands `model` to the courier for each of `nodes` that is a known peer.
    ///
    /// - Parameter encoded: The model's tensors already encoded, when the caller has them.
    func send(_ model: ModelState, to nodes: [NodeID], replacingQueued: Bool, encoded: [WireTensor]? = nil) async {
        let recipients = Set(nodes)
        // A node that left between the state machine's decision and now has no address to send to.
        let addresses = peers.filter { recipients.contains($0.nodeID) }.map(\.address)
        board.pushes.count(lost: recipients.count - addresses.count)
        guard !addresses.isEmpty else { return }
        // Parameters that break the protocol's limits were refused before training started (when the
        // namespace published its model, or by `train(rounds:model:exchange:)`), so encoding cannot fail.
        guard let courier = runtime.courier,
            let update = try? UpdatePush(
                namespace: name, baseVersion: UInt64(max(model.round, 0)),
                sampleCount: UInt64(max(model.sampleCount, 0)),
                tensors: encoded ?? WireTensor.encode(model.parameters.stateDict, as: .float32))
        else { return board.pushes.count(lost: addresses.count) }
        await courier.deliver(update, to: addresses, replacingQueued: replacingQueued, ledger: board.pushes)
    }

    /// One synchronous round: start it with the node's weights, wait until every expected model arrived
    /// or the deadline passed, and return the aggregate.
    private func synchronousRound(
        _ rounds: inout SynchronousRounds, topology: Topology, parameters: ModelParameters, sampleCount: Int
    ) async throws -> ExchangeOutcome {
        var outcome = ExchangeOutcome()
        // The members as the round starts are those it waits for. One that leaves mid-round is still
        // waited for, up to the deadline: its last model may be on its way (a node that finished training
        // closes its namespace right after its last push), and a dead one costs no more than the timeout.
        await carryOut(try rounds.updatePolicy(exchangePolicy(topology)).compactMap(\.step), into: &outcome)
        await carryOut(try receivePushes(into: &rounds), into: &outcome)
        let round = rounds.roundToStart(after: lastRound)
        lastRound = round
        let local = ModelState(parameters, sampleCount: sampleCount, round: round, origin: runtime.nodeID)
        await carryOut(try rounds.startRound(with: local, now: clock).compactMap(\.step), into: &outcome)
        // The machine closes the round at its deadline at the latest; the limit only guards the loop.
        let limit = ContinuousClock.now + rounds.timeout + .seconds(1)
        while outcome.installed == nil && ContinuousClock.now < limit {
            await board.inbox.waitForDelivery(timeout: Self.exchangeCheckInterval)
            try Task.checkCancellation()
            await carryOut(try receivePushes(into: &rounds), into: &outcome)
            await carryOut(try rounds.tick(now: clock).compactMap(\.step), into: &outcome)
        }
        return outcome
    }

    private func receivePushes(into rounds: inout SynchronousRounds) throws(AggregationError) -> [ExchangeStep] {
        var steps: [ExchangeStep] = []
        for delivery in board.inbox.drain() {
            steps += try rounds.receive(delivery.model, from: delivery.sender).compactMap(\.step)
        }
        return steps
    }

    /// One asynchronous exchange point: merge the models that arrived since the last one, push the
    /// node's weights on.
    private func asynchronousMerge(
        _ merging: inout AsynchronousMerging, topology: Topology, parameters: ModelParameters, sampleCount: Int
    ) async throws -> ExchangeOutcome {
        merging.updatePolicy(exchangePolicy(topology))
        var steps: [ExchangeStep] = []
        for delivery in board.inbox.drain() {
            steps += merging.receive(delivery.model, from: delivery.sender).map(\.step)
        }
        steps += try merging.merge(parameters, sampleCount: sampleCount).map(\.step)
        lastRound = merging.round
        var outcome = ExchangeOutcome()
        await carryOut(steps, into: &outcome)
        return outcome
    }
}

extension SynchronousRounds.Action {
    /// The step, or nil for a wake-up: the namespace ticks the machine at least every check interval.
    var step: ExchangeStep? {
        switch self {
        case .send(let model, let nodes): .send(model, to: nodes)
        case .install(let model): .install(model)
        case .event(let event): .event(event)
        case .wakeUp: nil
        }
    }
}

extension AsynchronousMerging.Action {
    var step: ExchangeStep {
        switch self {
        // Peers merge only the newest model of each sender, so older ones need not be sent.
        case .send(let model, let nodes): .send(model, to: nodes, newestOnly: true)
        case .install(let model): .install(model)
        case .event(let event): .event(event)
        }
    }
}
