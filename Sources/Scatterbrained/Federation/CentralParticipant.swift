import SBWire

/// The central-authority mode's client side, as a state machine: take each new global model,
/// train from it, send the update back.
///
/// ```swift
/// var participant = CentralParticipant(node: id, authority: authorityID)
/// for action in participant.receiveGlobal(global, from: authorityID) {
///     if case .train(let global) = action {
///         try global.parameters.load(into: model)
///         _ = try model.trainEpoch(loader, optimizer: optimizer)
///         let send = participant.finishedTraining(ModelParameters(model), sampleCount: loader.datasetCount)
///     }
/// }
/// ```
public struct CentralParticipant: Sendable {
    /// What the driver must do.
    public enum Action: Sendable, Equatable {
        /// Load this global model and train from it, then call
        /// ``CentralParticipant/finishedTraining(_:sampleCount:)``.
        case train(ModelState)
        /// Send this update to the authority.
        case send(ModelState, to: NodeID)
        /// Report this to the namespace's event stream.
        case event(FederationEvent)
    }

    /// This participant's node id.
    public let node: NodeID
    /// The authority's node id; only its global models are accepted.
    public let authority: NodeID
    /// The round of the newest global model received, or nil before the first.
    public private(set) var round: Int?
    /// Counters of rejected global models.
    public private(set) var statistics = ExchangeStatistics()

    /// Creates the participant.
    public init(node: NodeID, authority: NodeID) {
        self.node = node
        self.authority = authority
    }

    /// Handles a global model: a newer one is trained from, anything else is refused.
    public mutating func receiveGlobal(_ global: ModelState, from sender: NodeID) -> [Action] {
        let reason: UpdateRejection? =
            if sender != authority || global.origin != authority {
                .notAllowed
            } else if let round, global.round <= round {
                .late(round: global.round, current: round)
            } else {
                nil
            }
        if let reason {
            statistics.rejected += 1
            return [.event(.updateRejected(from: sender, reason: reason))]
        }
        round = global.round
        return [.train(global)]
    }

    /// Sends the weights trained from the newest global model to the authority, marked with that
    /// model's round.
    ///
    /// - Precondition: a global model has been received.
    public func finishedTraining(_ parameters: ModelParameters, sampleCount: Int) -> [Action] {
        guard let round else { fatalError("CentralParticipant.finishedTraining: no global model was received yet") }
        return [.send(ModelState(parameters, sampleCount: sampleCount, round: round, origin: node), to: authority)]
    }
}
