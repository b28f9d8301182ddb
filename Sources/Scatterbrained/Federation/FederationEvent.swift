import SBWire

/// Progress of a namespace, for user interfaces and the command-line tool.
public enum FederationEvent: Sendable, Equatable {
    /// A local training epoch ended.
    case epochFinished(epoch: Int, trainingLoss: Float)
    /// A node joined the namespace.
    case peerJoined(NodeID)
    /// A node left the namespace or stopped answering.
    case peerLeft(NodeID)
    /// Models were aggregated for `round`; `contributors` are the other nodes whose models took
    /// part (the aggregating node's own model is not listed).
    case modelMerged(round: Int, contributors: [NodeID])
    /// A model from `from` was refused, and why.
    case updateRejected(from: NodeID, reason: UpdateRejection)
}

/// Why a received model was not merged.
public enum UpdateRejection: Sendable, Equatable, CustomStringConvertible {
    /// The topology or the peer filter gives the sender no right to send to this node.
    case notAllowed
    /// The model says it comes from another node than the connection it arrived on.
    case originMismatch(claimed: NodeID)
    /// The model belongs to a round that has already closed.
    case late(round: Int, current: Int)
    /// The sender already delivered a model for this round (or a newer one).
    case duplicate(round: Int)
    /// The model does not fit this node's architecture.
    case incompatible(ParameterMismatch)

    public var description: String {
        switch self {
        case .notAllowed: "the topology or peer filter does not allow this sender"
        case .originMismatch(let claimed): "the model claims to come from \(claimed), not from its sender"
        case .late(let round, let current): "the model is for round \(round), but round \(current) is under way"
        case .duplicate(let round): "a model for round \(round) or later already came from this sender"
        case .incompatible(let mismatch): "the model does not fit: \(mismatch)"
        }
    }
}

/// What a federation state machine has counted so far; nothing is dropped without being counted.
public struct ExchangeStatistics: Sendable, Equatable {
    /// Aggregations performed.
    public var merges = 0
    /// Models merged from other nodes, over all aggregations.
    public var modelsMerged = 0
    /// Models refused, for any ``UpdateRejection`` reason.
    public var rejected = 0
    /// Rounds closed by their deadline rather than by every expected model arriving.
    public var timeouts = 0
    /// Expected models that had not arrived when their round closed.
    public var missing = 0

    /// Creates zeroed counters.
    public init() {}
}
