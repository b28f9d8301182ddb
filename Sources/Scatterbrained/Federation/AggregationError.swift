import SBWire

/// Why models could not be aggregated.
public enum AggregationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There was nothing to aggregate.
    case noContributions
    /// Term `term` (counting from 0) of a sum does not line up with term 0.
    case incompatible(term: Int, ParameterMismatch)
    /// The model from `origin` does not line up with the others.
    case incompatibleModel(from: NodeID, ParameterMismatch)
    /// A weight is negative or not finite.
    case invalidWeight(origin: NodeID, weight: Double)
    /// Every weight is zero (for example, FedAvg over models that all report zero samples).
    case zeroTotalWeight
    /// The strategy mixes the aggregating node's own model with its neighbours', but the node's
    /// own model is not among the contributions.
    case missingLocalModel(NodeID)
    /// A contribution comes from a node the topology gives the aggregating node no edge from.
    case notANeighbour(origin: NodeID, node: NodeID)

    public var description: String {
        switch self {
        case .noContributions:
            "nothing to aggregate: pass at least one model"
        case .incompatible(let term, let mismatch):
            "term \(term) cannot be added to term 0: \(mismatch)"
        case .incompatibleModel(let origin, let mismatch):
            "the model from \(origin) cannot be aggregated: \(mismatch)"
        case .invalidWeight(let origin, let weight):
            "the model from \(origin) has weight \(weight); weights must be finite and not negative"
        case .zeroTotalWeight:
            "every weight is zero; FedAvg needs at least one model with a positive sample count"
        case .missingLocalModel(let node):
            "node \(node)'s own model must be among the contributions it aggregates"
        case .notANeighbour(let origin, let node):
            "node \(node) has no incoming edge from \(origin) in the topology, so it cannot merge its model"
        }
    }
}
