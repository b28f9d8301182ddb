import SBWire

/// Turns the models a node has collected into the model it continues with.
///
/// The federation engine calls a strategy when a round closes (synchronous and central modes) or
/// whenever it merges (asynchronous mode). Most strategies are weighted averages and only say how
/// to weigh each model: conform to ``WeightedAggregationStrategy`` and the averaging comes for
/// free. Strategies that are not averages (the robust ones) implement ``aggregate(_:context:)``.
///
/// ```swift
/// let strategy: any AggregationStrategy = .fedAvg
/// let merged = try strategy.aggregate([mine, alices, bobs], context: context)
/// ```
public protocol AggregationStrategy: Sendable {
    /// Combines `contributions` into one set of weights.
    ///
    /// - Parameters:
    ///   - contributions: the models to combine, in the order received; in decentralized modes the
    ///     aggregating node's own model is one of them.
    ///   - context: who aggregates, for which round, over which topology.
    /// - Throws: ``AggregationError`` when the models do not line up or cannot be weighed.
    func aggregate(_ contributions: [ModelState], context: AggregationContext) throws(AggregationError)
        -> ModelParameters
}

/// What a strategy may need to know besides the models themselves.
public struct AggregationContext: Sendable, Equatable {
    /// The node that aggregates.
    public var node: NodeID
    /// The round (or version) the result belongs to; staleness is measured against it.
    public var round: Int
    /// The topology's edges for the current members; gossip weights depend on degrees.
    public var graph: TopologyGraph

    /// Creates a context.
    public init(node: NodeID, round: Int, graph: TopologyGraph) {
        self.node = node
        self.round = round
        self.graph = graph
    }
}

/// A strategy whose result is a weighted average of the contributions.
public protocol WeightedAggregationStrategy: AggregationStrategy {
    /// One weight per contribution, not necessarily normalised; the average divides by their sum.
    ///
    /// - Throws: ``AggregationError`` when a model cannot be weighed.
    func weights(for contributions: [ModelState], context: AggregationContext) throws(AggregationError) -> [Double]
}

extension WeightedAggregationStrategy {
    /// The average of `contributions` under ``weights(for:context:)``.
    ///
    /// - Throws: ``AggregationError/noContributions``, ``AggregationError/invalidWeight(origin:weight:)``,
    ///   ``AggregationError/zeroTotalWeight`` or ``AggregationError/incompatibleModel(from:_:)``.
    public func aggregate(_ contributions: [ModelState], context: AggregationContext) throws(AggregationError)
        -> ModelParameters
    {
        guard !contributions.isEmpty else { throw .noContributions }
        let weights = try self.weights(for: contributions, context: context)
        for (contribution, weight) in zip(contributions, weights) where !(weight.isFinite && weight >= 0) {
            throw .invalidWeight(origin: contribution.origin, weight: weight)
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw .zeroTotalWeight }
        do {
            return try ModelParameters.weightedSum(
                zip(contributions, weights).map { ($0.parameters, $1 / total) })
        } catch .incompatible(let term, let mismatch) {
            throw .incompatibleModel(from: contributions[term].origin, mismatch)
        }
    }
}
