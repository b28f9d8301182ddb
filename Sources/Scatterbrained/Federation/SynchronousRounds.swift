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
///    waits beyond the deadline, so a node that dies cannot stall the others; nor for a node whose
///    model for a later round shows it has moved past this one; nor, once it let a round pass without
///    a model, for a node that sends none (it only serves, or died) until a model of its arrives again
///    (``quietSources``): such a node costs one timeout, not one per round.
///
/// A node that joins late, or fell behind, lines up with its peers by starting the round that
/// ``roundToStart(after:)`` names.
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
    /// Sources that let a round close without their model and have sent none since: rounds do not wait
    /// for them until a model of theirs arrives, on time, early or late. Hand them to the machine of a
    /// later `train` call, so a node that only serves is not waited for again there.
    public private(set) var quietSources: Set<NodeID>

    private var collection: Collection?
    /// Models for rounds not yet started, by sender and round; at most ``earlyRoundsPerSender`` per sender.
    private var early: [NodeID: [Int: ModelState]] = [:]

    /// How many rounds ahead of this node a peer's models are kept: a source that never waits (it has
    /// no in-neighbours) runs ahead, and its models must still meet their rounds here.
    public static let earlyRoundsPerSender = 8

    /// Creates the machine for `node`.
    ///
    /// - Parameters:
    ///   - node: the node's id.
    ///   - policy: the topology graph and peer filter for the current members.
    ///   - strategy: how to combine models; Metropolis–Hastings gossip by default.
    ///   - timeout: how long each round waits for its neighbours' models.
    ///   - quietSources: sources not to wait for until they send a model, as an earlier machine's
    ///     ``quietSources`` left them.
    public init(
        node: NodeID, policy: ExchangePolicy, strategy: any AggregationStrategy = .metropolisHastings,
        timeout: Duration, quietSources: Set<NodeID> = []
    ) {
        self.node = node
        self.policy = policy
        self.strategy = strategy
        self.timeout = timeout
        self.quietSources = quietSources
    }

    /// Whether a round is waiting for models.
    public var isCollecting: Bool { collection != nil }

    /// The round to start after round `previous`: the next one, unless no model arrived for it but
    /// models for later rounds did (the peers are further along: this node joined late or fell
    /// behind), in which case the earliest of those, to line up with the peers.
    public func roundToStart(after previous: Int) -> Int {
        let next = previous + 1
        let ahead = early.values.flatMap(\.keys).filter { $0 >= next }
        guard !ahead.contains(next), let earliest = ahead.min() else { return next }
        return earliest
    }

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
        for (sender, rounds) in early {
            // Models of rounds this node skipped are refused as late; the one for this round is filed.
            for (round, model) in rounds.sorted(by: { $0.key < $1.key }) where round <= local.round {
                actions += accept(model, from: sender)
            }
            early[sender] = rounds.filter { $0.key > local.round }
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
            var kept = early[sender, default: [:]]
            guard kept[model.round] == nil else { return reject(from: sender, .duplicate(round: model.round)) }
            kept[model.round] = model
            if kept.count > Self.earlyRoundsPerSender, let oldest = kept.keys.min() { kept[oldest] = nil }
            early[sender] = kept
            quietSources.remove(sender)
            // The sender has moved past the collecting round: it may have been all the round waited for.
            return try closeIfComplete()
        }
        return try accept(model, from: sender) + closeIfComplete()
    }

    /// Hands over the models kept for rounds not started yet, oldest round first, and forgets them: for
    /// a driver that stops using this machine and passes them on to the next one.
    public mutating func takeEarlyModels() -> [ModelState] {
        defer { early = [:] }
        return early.values.flatMap(\.values).sorted { $0.round < $1.round }
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
            // Late, but training: the next round waits for it again.
            quietSources.remove(sender)
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
        quietSources.remove(sender)
        return []
    }

    private mutating func closeIfComplete() throws(AggregationError) -> [Action] {
        guard let collection else { return [] }
        let round = collection.local.round
        let settled = policy.sources(of: node).allSatisfy { source in
            collection.received[source] != nil || early[source, default: [:]].keys.contains { $0 > round }
                || quietSources.contains(source)
        }
        guard settled else { return [] }
        return try close()
    }

    /// Aggregates the node's model with every model that arrived from a current source.
    private mutating func close() throws(AggregationError) -> [Action] {
        guard let collection else { return [] }
        self.collection = nil
        let sources = policy.sources(of: node)
        let arrived = sources.compactMap { collection.received[$0] }
        statistics.missing += sources.count - arrived.count
        let round = collection.local.round
        for source in sources where collection.received[source] == nil {
            // A source that has moved past this round is training; the others went quiet.
            if !early[source, default: [:]].keys.contains(where: { $0 > round }) { quietSources.insert(source) }
        }
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
