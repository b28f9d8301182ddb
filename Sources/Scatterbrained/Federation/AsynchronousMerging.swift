import SBWire

/// The asynchronous exchange mode, as a state machine: merge whatever is newest, never wait.
///
/// Peers' models are filed as they arrive, the newest per sender. At each of the node's exchange
/// points (after an epoch, or every few steps) ``merge(_:sampleCount:)`` averages the node's own
/// model with every newer model that arrived since the last merge, weighting stale ones down
/// (``StalenessWeightedAverage`` by default), and sends the node's model to its out-neighbours.
/// Nothing waits for anybody, so a slow, serve-only or dead peer costs nothing.
///
/// Rounds are labels for staleness: each merge gets a round one past the previous one, or the
/// newest round a peer's model carried if that is later, so a node that joins late (or runs
/// slower) adopts the namespace's count instead of having its models discounted for good.
///
/// Like ``SynchronousRounds`` it does no I/O: the driver delivers models and carries out the
/// returned actions.
///
/// ```swift
/// var merging = AsynchronousMerging(node: id, policy: policy)
/// _ = merging.receive(peerModel, from: peer)
/// for action in try merging.merge(ModelParameters(model), sampleCount: trainSet.count) {
///     if case .install(let merged) = action { try merged.parameters.load(into: model) }
/// }
/// ```
public struct AsynchronousMerging: Sendable {
    /// What the driver must do.
    public enum Action: Sendable, Equatable {
        /// Send `model` to each of `nodes`.
        case send(ModelState, to: [NodeID])
        /// Continue from this model.
        case install(ModelState)
        /// Report this to the namespace's event stream.
        case event(FederationEvent)
    }

    /// The node this machine runs for.
    public let node: NodeID
    /// How the node's model and the fresh ones are combined.
    public let strategy: any AggregationStrategy
    /// Who may send to whom; replace it with ``updatePolicy(_:)`` when membership changes.
    public private(set) var policy: ExchangePolicy
    /// The last merge's round, 0 before the first.
    public private(set) var round = 0
    /// Counters of merges and rejections.
    public private(set) var statistics = ExchangeStatistics()

    /// The newest model from each sender not merged yet.
    private var fresh: [NodeID: ModelState] = [:]
    /// The newest round merged from each sender: a model no newer is a repeat.
    private var merged: [NodeID: Int] = [:]

    /// Creates the machine.
    ///
    /// - Parameters:
    ///   - node: the node's id.
    ///   - policy: the topology graph and peer filter for the current members.
    ///   - strategy: how to combine models; a sample-weighted average discounting stale models by default.
    ///   - round: the round of the node's last exchange, when it exchanged before in another mode or call.
    public init(
        node: NodeID, policy: ExchangePolicy, strategy: any AggregationStrategy = .stalenessWeighted(), round: Int = 0
    ) {
        self.node = node
        self.policy = policy
        self.strategy = strategy
        self.round = round
    }

    /// Replaces the policy after members joined or left; fresh models from nodes it no longer allows
    /// are dropped.
    public mutating func updatePolicy(_ policy: ExchangePolicy) {
        self.policy = policy
        fresh = fresh.filter { policy.mayReceive(from: $0.key, to: node) }
    }

    /// Files a model that arrived from `sender`, replacing an older unmerged one from the same sender.
    ///
    /// - Returns: An ``FederationEvent/updateRejected(from:reason:)`` event when the model is refused:
    ///   from a node the policy does not allow, claiming another origin, or no newer than one already
    ///   filed or merged.
    public mutating func receive(_ model: ModelState, from sender: NodeID) -> [Action] {
        if let reason = model.rejection(from: sender, to: node, policy: policy, reference: nil) {
            return reject(from: sender, reason)
        }
        let newestKnown = max(fresh[sender]?.round ?? Int.min, merged[sender] ?? Int.min)
        guard model.round > newestKnown else { return reject(from: sender, .duplicate(round: newestKnown)) }
        fresh[sender] = model
        return []
    }

    /// Hands over the models filed and not merged yet, and forgets them: for a driver that stops using
    /// this machine and passes them on to the next one.
    public mutating func takeFreshModels() -> [ModelState] {
        defer { fresh = [:] }
        return fresh.values.sorted { $0.round < $1.round }
    }

    /// The node's exchange point: merges its model with the fresh ones, and sends its model on.
    ///
    /// - Parameters:
    ///   - parameters: the node's model now.
    ///   - sampleCount: the samples behind it, for sample-weighted strategies.
    /// - Returns: ``Action/send(_:to:)`` of the node's model when it has out-neighbours; when fresh
    ///   models were merged, ``Action/install(_:)`` of the aggregate and a
    ///   ``FederationEvent/modelMerged(round:contributors:)`` event; a rejection event for each fresh
    ///   model that does not fit the node's architecture.
    /// - Throws: ``AggregationError`` if the strategy fails.
    public mutating func merge(_ parameters: ModelParameters, sampleCount: Int) throws(AggregationError) -> [Action] {
        let sources = policy.sources(of: node)
        round = max(round + 1, sources.compactMap { fresh[$0]?.round }.max() ?? 0)
        let local = ModelState(parameters, sampleCount: sampleCount, round: round, origin: node)
        var actions: [Action] = []
        let destinations = policy.destinations(of: node)
        if !destinations.isEmpty { actions.append(.send(local, to: destinations)) }
        var contributions: [ModelState] = []
        for source in sources {
            guard let model = fresh.removeValue(forKey: source) else { continue }
            merged[source] = model.round
            if let reason = model.rejection(from: source, to: node, policy: policy, reference: parameters) {
                actions += reject(from: source, reason)
            } else {
                contributions.append(model)
            }
        }
        guard !contributions.isEmpty else { return actions }
        let context = AggregationContext(node: node, round: round, graph: policy.graph)
        let aggregate = try strategy.aggregate([local] + contributions, context: context)
        statistics.merges += 1
        statistics.modelsMerged += contributions.count
        return actions + [
            .install(ModelState(aggregate, sampleCount: sampleCount, round: round, origin: node)),
            .event(.modelMerged(round: round, contributors: contributions.map(\.origin))),
        ]
    }

    private mutating func reject(from sender: NodeID, _ reason: UpdateRejection) -> [Action] {
        statistics.rejected += 1
        return [.event(.updateRejected(from: sender, reason: reason))]
    }
}
