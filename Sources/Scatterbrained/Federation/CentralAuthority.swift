import SBWire

/// The central-authority mode's server side, as a state machine: classic federated learning with
/// one node that owns the global model.
///
/// Each round `r` the authority publishes global model `r`; participants train from it and send
/// back updates marked `r`. The round closes as soon as every registered participant has sent its
/// update, or at the round's deadline if at least `minimumParticipants` have; the authority then
/// aggregates the updates (FedAvg by default) into global model `r + 1` and publishes it. A round
/// that reaches its deadline short of the minimum waits one more timeout rather than aggregate
/// fewer updates than the minimum asks for. Updates for closed rounds are refused as late. A
/// participant that let a round close without its update is not waited for again until an update of
/// its arrives, on time or late (``quietParticipants``): a member that only serves, or died, costs one
/// round timeout rather than one per round.
///
/// Like ``SynchronousRounds`` it does no I/O and reads no clock: time is passed in as a
/// `Duration` since a fixed origin, and the driver carries out the returned actions.
///
/// ```swift
/// var authority = CentralAuthority(
///     node: id, global: ModelState(ModelParameters(model), sampleCount: 0, round: 0, origin: id),
///     minimumParticipants: 2, roundTimeout: .seconds(30))
/// let actions = authority.participantJoined(alice, now: elapsed)   // publishes global 0 to alice
/// ```
public struct CentralAuthority: Sendable {
    /// What the driver must do.
    public enum Action: Sendable, Equatable {
        /// Send global model `model` to each of `nodes`.
        case publish(ModelState, to: [NodeID])
        /// Call ``CentralAuthority/tick(now:)`` at `time` (or later); the round's deadline.
        case wakeUp(at: Duration)
        /// Report this to the namespace's event stream.
        case event(FederationEvent)
    }

    /// The authority's node id.
    public let node: NodeID
    /// How updates are combined; FedAvg by default.
    public let strategy: any AggregationStrategy
    /// The fewest updates a round aggregates.
    public let minimumParticipants: Int
    /// How long a round waits for updates.
    public let roundTimeout: Duration
    /// Nodes the authority refuses or limits itself to.
    public let filter: PeerFilter
    /// The current global model; its `round` is the round under way.
    public private(set) var global: ModelState
    /// The registered participants, sorted by id.
    public private(set) var participants: [NodeID] = []
    /// Counters of merges, rejections and timeouts.
    public private(set) var statistics = ExchangeStatistics()
    /// Participants that sent no update for a round that closed and none since: rounds close without
    /// waiting for them until they send one.
    public private(set) var quietParticipants: Set<NodeID> = []

    private var updates: [NodeID: ModelState] = [:]
    private var deadline: Duration?

    /// Creates the authority.
    ///
    /// - Parameters:
    ///   - node: the authority's node id.
    ///   - global: the initial global model, usually round 0 from the authority's own model.
    ///   - minimumParticipants: the fewest updates a round aggregates, at least 1.
    ///   - roundTimeout: how long a round waits for updates.
    ///   - strategy: how to combine updates; FedAvg by default.
    ///   - filter: nodes to refuse or to limit participation to.
    /// - Precondition: `minimumParticipants` is at least 1.
    public init(
        node: NodeID, global: ModelState, minimumParticipants: Int, roundTimeout: Duration,
        strategy: any AggregationStrategy = .fedAvg, filter: PeerFilter = .allowAll
    ) {
        guard minimumParticipants >= 1 else {
            fatalError("CentralAuthority: minimumParticipants must be at least 1, got \(minimumParticipants)")
        }
        self.node = node
        self.global = global
        self.minimumParticipants = minimumParticipants
        self.roundTimeout = roundTimeout
        self.strategy = strategy
        self.filter = filter
    }

    /// Who may send updates: participants to the authority and back, as a star around it.
    private var policy: ExchangePolicy {
        ExchangePolicy(graph: Topology.star(centre: node).graph(members: participants + [node]), filter: filter)
    }

    /// Registers `participant` and hands it the current global model; the first registration
    /// starts the first round's clock.
    public mutating func participantJoined(_ participant: NodeID, now: Duration) -> [Action] {
        guard participant != node, filter.admits(participant), !participants.contains(participant) else { return [] }
        participants = (participants + [participant]).sorted(by: NodeID.precedes)
        var actions: [Action] = [.event(.peerJoined(participant)), .publish(global, to: [participant])]
        if deadline == nil {
            deadline = now + roundTimeout
            actions.append(.wakeUp(at: now + roundTimeout))
        }
        return actions
    }

    /// Forgets `participant`; the round closes at once if every remaining participant has reported.
    ///
    /// - Throws: ``AggregationError`` if the round closes and the strategy fails.
    public mutating func participantLeft(_ participant: NodeID, now: Duration) throws(AggregationError) -> [Action] {
        guard let index = participants.firstIndex(of: participant) else { return [] }
        participants.remove(at: index)
        updates[participant] = nil
        quietParticipants.remove(participant)
        return try [.event(.peerLeft(participant))] + closeIfComplete(now: now)
    }

    /// Handles an update from `sender`.
    ///
    /// - Throws: ``AggregationError`` if the update completes the round and the strategy fails.
    public mutating func receive(_ update: ModelState, from sender: NodeID, now: Duration) throws(AggregationError)
        -> [Action]
    {
        if let reason = update.rejection(from: sender, to: node, policy: policy, reference: global.parameters) {
            return reject(from: sender, reason)
        }
        // Even a late update shows the participant trains: the next round waits for it again.
        quietParticipants.remove(sender)
        guard update.round == global.round else {
            return reject(
                from: sender,
                update.round < global.round
                    ? .late(round: update.round, current: global.round) : .duplicate(round: update.round))
        }
        guard updates[sender] == nil else { return reject(from: sender, .duplicate(round: update.round)) }
        updates[sender] = update
        return try closeIfComplete(now: now)
    }

    /// Closes the round if its deadline has passed with enough updates, or sets a new deadline.
    ///
    /// - Throws: ``AggregationError`` if the strategy fails.
    public mutating func tick(now: Duration) throws(AggregationError) -> [Action] {
        guard let deadline, now >= deadline else { return [] }
        statistics.timeouts += 1
        if updates.count >= minimumParticipants { return try close(now: now) }
        self.deadline = now + roundTimeout
        return [.wakeUp(at: now + roundTimeout)]
    }

    private mutating func closeIfComplete(now: Duration) throws(AggregationError) -> [Action] {
        guard !participants.isEmpty, updates.count >= minimumParticipants,
            participants.allSatisfy({ updates[$0] != nil || quietParticipants.contains($0) })
        else { return [] }
        return try close(now: now)
    }

    /// Aggregates the updates into the next global model and publishes it to every participant.
    private mutating func close(now: Duration) throws(AggregationError) -> [Action] {
        let contributions = participants.compactMap { updates[$0] }
        let context = AggregationContext(node: node, round: global.round + 1, graph: policy.graph)
        let merged = try strategy.aggregate(contributions, context: context)
        statistics.missing += participants.count - contributions.count
        quietParticipants.formUnion(participants.filter { updates[$0] == nil })
        statistics.merges += 1
        statistics.modelsMerged += contributions.count
        global = ModelState(
            merged, sampleCount: contributions.reduce(0) { $0 + $1.sampleCount }, round: global.round + 1,
            origin: node)
        updates = [:]
        deadline = now + roundTimeout
        return [
            .event(.modelMerged(round: global.round, contributors: contributions.map(\.origin))),
            .publish(global, to: participants),
            .wakeUp(at: now + roundTimeout),
        ]
    }

    private mutating func reject(from sender: NodeID, _ reason: UpdateRejection) -> [Action] {
        statistics.rejected += 1
        return [.event(.updateRejected(from: sender, reason: reason))]
    }
}
