/// One round that ``Namespace/coordinate(rounds:minimumParticipants:roundTimeout:strategy:)`` closed.
public struct RoundReport: Sendable, Equatable {
    /// The round's number, from 1: the global model it produced.
    public var round: Int
    /// The participants whose updates the global model holds.
    public var contributors: [NodeID]
    /// The namespace model version the global model was published as.
    public var modelVersion: UInt64
}

/// What ``Namespace/coordinate(rounds:minimumParticipants:roundTimeout:strategy:)`` did.
public struct CoordinationReport: Sendable, Equatable {
    /// One report per round, in order.
    public var rounds: [RoundReport]
    /// The wall-clock time of the whole call.
    public var duration: Duration
    /// What became of the global models the call pushed to participants.
    public var pushes: PushStatistics
}

extension Namespace {
    /// Acts as the namespace's central authority for `rounds` rounds: classic, centralized federated
    /// learning on top of the peer-to-peer network.
    ///
    /// Every peer of the namespace is a participant. Each round the authority sends the global model
    /// (at first, the namespace's model) to the participants, which train from it with
    /// `train(..., exchange: .central())` and send their updates back. The round closes when every
    /// participant has reported, or at `roundTimeout` if at least `minimumParticipants` have (otherwise
    /// it waits one more timeout); the updates are aggregated into the next global model, which becomes
    /// the namespace's model (so nodes that join get it with ``syncModel(timeout:)``) and goes out to
    /// the participants. A participant that joins late receives the current global model and takes part
    /// from the next round; one that leaves is no longer waited for, and neither is one that let a round
    /// pass without an update (a member that only serves) until it sends one. The authority does not train.
    ///
    /// ```swift
    /// // the authority
    /// try await ns.coordinate(rounds: 20, minimumParticipants: 3)
    /// // each participant
    /// try await ns.train(epochs: 20, train: myLoader, exchange: .central())
    /// ```
    ///
    /// - Parameters:
    ///   - rounds: The number of global models to produce.
    ///   - minimumParticipants: The fewest updates a round aggregates, at least 1.
    ///   - roundTimeout: How long a round waits for updates.
    ///   - strategy: How updates are combined; FedAvg (weighted by samples) by default.
    /// - Returns: The rounds, with their contributors.
    /// - Throws: ``NodeError/noModel(_:)`` before a joined namespace synced,
    ///   ``NodeError/participantsLeft(namespace:roundsCompleted:)`` when every participant left and a
    ///   round's deadline passed, ``AggregationError`` when the updates do not combine, or
    ///   `CancellationError`. Until the first participant joins, it waits.
    @discardableResult
    public func coordinate(
        rounds: Int, minimumParticipants: Int = 1, roundTimeout: Duration = .seconds(60),
        strategy: any AggregationStrategy = FedAvg()
    ) async throws -> CoordinationReport {
        let meter = startMeter()
        guard let initial = board.model else { throw NodeError.noModel(name) }
        let node = runtime.nodeID
        var authority = CentralAuthority(
            node: node,
            global: ModelState(
                ModelParameters(stateDict: initial.snapshot.state), sampleCount: 0, round: 0, origin: node),
            minimumParticipants: minimumParticipants, roundTimeout: roundTimeout, strategy: strategy,
            filter: board.filter)
        var participants: Set<NodeID> = []
        var reports: [RoundReport] = []
        // The global model the namespace serves, with its tensors encoded once for every push.
        var served = (round: 0, tensors: initial.tensors)
        while authority.global.round < rounds {
            try Task.checkCancellation()
            let now = clock
            var actions: [CentralAuthority.Action] = []
            let members = Set(peers.map(\.nodeID))
            for joined in members.subtracting(participants).sorted(by: NodeID.precedes) {
                actions += authority.participantJoined(joined, now: now)
            }
            for left in participants.subtracting(members).sorted(by: NodeID.precedes) {
                actions += try authority.participantLeft(left, now: now)
            }
            participants = members
            for delivery in board.inbox.drain() {
                actions += try authority.receive(delivery.model, from: delivery.sender, now: now)
            }
            let timeoutsBefore = authority.statistics.timeouts
            actions += try authority.tick(now: now)
            // With nobody left, a deadline passing means the rounds can no longer complete.
            if participants.isEmpty && authority.statistics.timeouts > timeoutsBefore {
                throw NodeError.participantsLeft(namespace: name, roundsCompleted: authority.global.round)
            }
            if let report = try await carryOut(actions, snapshot: initial.snapshot, served: &served) {
                reports.append(report)
            }
            await board.inbox.waitForDelivery(timeout: Self.exchangeCheckInterval)
        }
        // The last global model reaches the participants before the call returns, in case the namespace
        // closes next.
        await runtime.courier?.waitUntilDelivered()
        return CoordinationReport(rounds: reports, duration: meter.elapsed, pushes: meter.pushesSinceStart)
    }

    /// Carries out the authority's actions: pushes global models and publishes each new one as the
    /// namespace's model.
    ///
    /// - Parameter served: The round and encoded tensors of the global model the namespace serves; updated.
    /// - Returns: The report of the round the actions closed, if they closed one.
    private func carryOut(
        _ actions: [CentralAuthority.Action], snapshot: ModelSnapshot, served: inout (round: Int, tensors: [WireTensor])
    ) async throws -> RoundReport? {
        var closed: RoundReport?
        var contributors: [NodeID] = []
        var outcome = ExchangeOutcome()
        for action in actions {
            switch action {
            case .publish(let global, let nodes):
                // The authority sends the same global model again to each participant that joins.
                if global.round > served.round {
                    let model = try PublishedModel(
                        ModelSnapshot(spec: snapshot.spec, state: global.parameters.stateDict),
                        version: version + 1, sampleCount: UInt64(max(global.sampleCount, 0)))
                    board.publish(model)
                    served = (global.round, model.tensors)
                    resetTrainingModule()
                    closed = RoundReport(round: global.round, contributors: [], modelVersion: model.version)
                }
                await send(global, to: nodes, replacingQueued: false, encoded: served.tensors)
            case .event(let event):
                if case .modelMerged(_, let merged) = event { contributors = merged }
                await carryOut([.event(event)], into: &outcome)
            case .wakeUp:
                break  // The loop ticks the authority at least every check interval.
            }
        }
        closed?.contributors = contributors
        return closed
    }

    /// Waits for the authority's first global model.
    ///
    /// - Parameter authority: The authority, or nil to take the first node that pushes a model.
    /// - Returns: The participant's state machine and the global model's weights.
    /// - Throws: ``NodeError/noAuthorityInReach(namespace:waited:)`` after `timeout`.
    func firstGlobalModel(from authority: NodeID?, timeout: Duration) async throws
        -> (CentralParticipant, ModelParameters)
    {
        let start = ContinuousClock.now
        var participant = authority.map { CentralParticipant(node: runtime.nodeID, authority: $0) }
        while true {
            var steps: [ExchangeStep] = []
            for delivery in board.inbox.drain() {
                var current = participant ?? CentralParticipant(node: runtime.nodeID, authority: delivery.sender)
                steps += current.receiveGlobal(delivery.model, from: delivery.sender).map(\.step)
                participant = current
            }
            var outcome = ExchangeOutcome()
            await carryOut(steps, into: &outcome)
            if let participant, let global = outcome.installed { return (participant, global.parameters) }
            let waited = ContinuousClock.now - start
            guard waited < timeout else { throw NodeError.noAuthorityInReach(namespace: name, waited: waited) }
            await board.inbox.waitForDelivery(timeout: min(Self.exchangeCheckInterval, timeout - waited))
            try Task.checkCancellation()
        }
    }

    /// A participant's exchange point: send the update to the authority and wait for the next global
    /// model; without one within `timeout`, training goes on from the update.
    func centralRound(
        _ participant: inout CentralParticipant, timeout: Duration, parameters: ModelParameters, sampleCount: Int
    ) async throws -> ExchangeOutcome {
        let limit = ContinuousClock.now + timeout
        // The authority's global model can arrive before discovery lists the authority, whose address
        // the update needs.
        while !peers.contains(where: { $0.nodeID == participant.authority }) && ContinuousClock.now < limit {
            try await Task.sleep(for: Self.exchangeCheckInterval)
        }
        var outcome = ExchangeOutcome()
        await carryOut(participant.finishedTraining(parameters, sampleCount: sampleCount).map(\.step), into: &outcome)
        while outcome.installed == nil && ContinuousClock.now < limit {
            await board.inbox.waitForDelivery(timeout: min(Self.exchangeCheckInterval, limit - .now))
            try Task.checkCancellation()
            var steps: [ExchangeStep] = []
            for delivery in board.inbox.drain() {
                steps += participant.receiveGlobal(delivery.model, from: delivery.sender).map(\.step)
            }
            await carryOut(steps, into: &outcome)
        }
        // The outcome names no contributors: the global model holds the authority's aggregate.
        if outcome.installed != nil { outcome.contributors = [participant.authority] }
        return outcome
    }
}

extension CentralParticipant.Action {
    var step: ExchangeStep {
        switch self {
        case .train(let global): .install(global)
        case .send(let update, let authority): .send(update, to: [authority])
        case .event(let event): .event(event)
        }
    }
}
