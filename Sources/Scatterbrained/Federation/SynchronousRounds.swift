import SBWire

/// The synchronous exchange mode of one node, as a state machine: rounds that wait for the
/// in-neighbours' models up to a deadline, then aggregate with whoever answered.
///
/// The machine does no I/O and reads no clock. The driver feeds it events — a round's local model
/// is ready, a model arrived, time passed — with the current time as a `Duration` since any fixed
/// origin of a monotonic clock, and carries out the ``Action``s it returns. The same machine thus
/// runs over TCP, over the in-memory transport, and in tests with a hand-made clock.
///
/// A round `r`:
/// 1. ``startRound(with:now:)`` with the node's model after local training for round `r`: the
///    machine sends it to the nodes that may take it and waits for the models of round `r` from
///    the nodes it may take from, until `now + timeout`.
/// 2. ``receive(_:from:)`` for every model that arrives. A model for a closed round is refused
///    as late; one for a later round is kept until that round starts (a faster peer).
/// 3. When every expected model has arrived, or at the deadline (``tick(now:)``), the machine
///    aggregates its own model with those that arrived and returns ``Action/install(_:)``. It never
///    waits beyond the deadline, so a node that dies cannot stall the others.
///
/// ```swift
/// var rounds = SynchronousRounds(node: id, policy: policy, strategy: .fedAvg, timeout: .seconds(5))
/// for action in try rounds.startRound(with: trained, now: clock.now - origin) {
///     switch action {
///     case .send(let model, let nodes): for node in nodes { transport.send(model, to: node) }
///     case .wakeUp(let time): scheduleTick(at: time)
///     case .install(let merged): try merged.parameters.load(into: model)
///     case .event(let event): continuation.yield(event)
///     }
/// }
/// ```
public struct SynchronousRounds: Sendable {
    /// What the driver must do.
    public enum Action: Sendable, Equatable {
        /// Send `model` to each of `nodes`.
        case send(ModelState, to: [NodeID])
        /// Call ``SynchronousRounds/tick(now:)`` at `time` (or later); the round's deadline.
        case wakeUp(at: Duration)
        /// The round closed: continue from this model.
        case install(ModelState)
        /// Report this to the namespace's event stream.
        case event(FederationEvent)
    }

    private struct Collection: Sendable {
        var local: ModelState
        var deadline: Duration
        var received: [NodeID: ModelState] = [:]
    }

    /// The node this machine runs for.
    public let node: NodeID
    /// How models are combined when a round closes.
    public let strategy: any AggregationStrategy
    /// How long a round waits for models after it starts.
    public let timeout: Duration
    /// Who may send to whom; replace it with ``updatePolicy(_:)`` when membership changes.
    public private(set) var policy: ExchangePolicy
    /// The last round started, or nil before the first.
    public private(set) var round: Int?
    /// Counters of merges, rejections and timeouts.
    public private(set) var statistics = ExchangeStatistics()

    private var collection: Collection?
    /// Models for rounds not yet started, the newest per sender: bounded by the number of peers.
    private var early: [NodeID: ModelState] = [:]

    /// Creates the machine for `node`.
    ///
    /// - Parameters:
    ///   - node: the node's id.
    ///   - policy: the topology graph and peer filter for the current members.
    ///   - strategy: how to combine models; Metropolis–Hastings gossip by default.
    ///   - timeout: how long each round waits for its neighbours' models.
    public init(
        node: NodeID, policy: ExchangePolicy, strategy: any AggregationStrategy = .metropolisHastings,
        timeout: Duration
    ) {
        self.node = node
        self.policy = policy
        self.strategy = strategy
        self.timeout = timeout
    }

    /// Whether a round is waiting for models.
    public var isCollecting: Bool { collection != nil }

    /// Starts the round `local.round` with the node's freshly trained model.
    ///
    /// - Precondition: no round is collecting, and `local.round` is later than the last round.
    /// - Throws: ``AggregationError`` if the round closes at once (nothing to wait for) and the
    ///   strategy fails.
    public mutating func startRound(with local: ModelState, now: Duration) throws(AggregationError) -> [Action] {
        guard collection == nil, round.map({ local.round > $0 }) ?? true else {
            fatalError(
                "SynchronousRounds.startRound: round \(local.round) must come after round \(round ?? -1) "
                    + "and start once that round has closed")
        }
        round = local.round
        var actions: [Action] = []
        let destinations = policy.destinations(of: node)
        if !destinations.isEmpty { actions.append(.send(local, to: destinations)) }
        collection = Collection(local: local, deadline: now + timeout)
        for (sender, model) in early where model.round <= local.round {
            early[sender] = nil
            actions += accept(model, from: sender)
        }
        actions += try closeIfComplete()
        if let collection { actions.append(.wakeUp(at: collection.deadline)) }
        return actions
    }

    /// Handles a model that arrived from `sender`.
    ///
    /// - Throws: ``AggregationError`` if this was the last expected model and the strategy fails.
    public mutating func receive(_ model: ModelState, from sender: NodeID) throws(AggregationError)
        -> [Action]
    {
        if let reason = model.rejection(from: sender, to: node, policy: policy, reference: nil) {
            return reject(from: sender, reason)
        }
        if model.round > round ?? Int.min {
            if let kept = early[sender], kept.round >= model.round {
                return reject(from: sender, .duplicate(round: kept.round))
            }
            early[sender] = model
            return []
        }
        return try accept(model, from: sender) + closeIfComplete()
    }

    /// Closes the collecting round if its deadline has passed; call it at the time of
    /// ``Action/wakeUp(at:)``.
    ///
    /// - Throws: ``AggregationError`` if the strategy fails.
    public mutating func tick(now: Duration) throws(AggregationError) -> [Action] {
        guard let collection, now >= collection.deadline else { return [] }
        statistics.timeouts += 1
        return try close()
    }

    /// Replaces the policy after members joined or left; a round that now has every model it
    /// still expects closes at once.
    ///
    /// - Throws: ``AggregationError`` if the round closes and the strategy fails.
    public mutating func updatePolicy(_ policy: ExchangePolicy) throws(AggregationError) -> [Action] {
        self.policy = policy
        return try closeIfComplete()
    }

    /// Files a model of the current or an earlier round: merged later if it is for the collecting
    /// round, refused otherwise.
    private mutating func accept(_ model: ModelState, from sender: NodeID) -> [Action] {
        guard var collection, model.round == collection.local.round else {
            return reject(from: sender, .late(round: model.round, current: round ?? model.round))
        }
        if let reason = model.rejection(
            from: sender, to: node, policy: policy, reference: collection.local.parameters)
        {
            return reject(from: sender, reason)
        }
        guard collection.received[sender] == nil else { return reject(from: sender, .duplicate(round: model.round)) }
        collection.received[sender] = model
        self.collection = collection
        return []
    }

    private mutating func closeIfComplete() throws(AggregationError) -> [Action] {
        guard let collection else { return [] }
        guard policy.sources(of: node).allSatisfy({ collection.received[$0] != nil }) else { return [] }
        return try close()
    }

    /// Aggregates the node's model with every model that arrived from a current source.
    private mutating func close() throws(AggregationError) -> [Action] {
        guard let collection else { return [] }
        self.collection = nil
        let sources = policy.sources(of: node)
        let arrived = sources.compactMap { collection.received[$0] }
        statistics.missing += sources.count - arrived.count
        let local = collection.local
        let context = AggregationContext(node: node, round: local.round, graph: policy.graph)
        let merged = try strategy.aggregate([local] + arrived, context: context)
        statistics.merges += 1
        statistics.modelsMerged += arrived.count
        return [
            .install(ModelState(merged, sampleCount: local.sampleCount, round: local.round, origin: node)),
            .event(.modelMerged(round: local.round, contributors: arrived.map(\.origin))),
        ]
    }

    private mutating func reject(from sender: NodeID, _ reason: UpdateRejection) -> [Action] {
        statistics.rejected += 1
        return [.event(.updateRejected(from: sender, reason: reason))]
    }
}
