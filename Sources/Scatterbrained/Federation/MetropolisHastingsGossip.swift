import SBWire

/// Decentralized gossip averaging with Metropolis–Hastings weights.
///
/// Node `i` mixes its own model with those of its in-neighbours `j`:
///
/// ```
/// w_ij = 1 / (1 + max(deg_i, deg_j))     for every in-neighbour j
/// w_ii = 1 − Σ_j w_ij
/// ```
///
/// where `deg` is the number of in-neighbours. On an undirected graph the weight matrix is
/// symmetric and doubly stochastic, so repeated mixing converges to the plain average of all
/// models without any node knowing more than its neighbours' degrees. A neighbour whose model did
/// not arrive in time gets no weight and its share stays with the node's own model, so rows
/// always sum to 1; a node without in-neighbours keeps its model unchanged.
///
/// ```swift
/// let strategy: any AggregationStrategy = .metropolisHastings
/// ```
public struct MetropolisHastingsGossip: WeightedAggregationStrategy {
    /// Creates the strategy.
    public init() {}

    /// The full row of the mixing matrix for `node`: a weight for each in-neighbour and for
    /// `node` itself, summing to 1.
    public static func mixingWeights(of node: NodeID, in graph: TopologyGraph) -> [NodeID: Double] {
        let sources = graph.inNeighbours(of: node)
        var row: [NodeID: Double] = [:]
        for source in sources {
            row[source] = 1 / Double(1 + max(sources.count, graph.inNeighbours(of: source).count))
        }
        row[node] = 1 - row.values.reduce(0, +)
        return row
    }

    /// The node's own model takes its row's self weight plus the weights of neighbours that did
    /// not contribute; every other contribution takes its Metropolis–Hastings weight.
    ///
    /// - Throws: ``AggregationError/missingLocalModel(_:)`` when the node's own model is absent,
    ///   ``AggregationError/notANeighbour(origin:node:)`` for a model from outside its
    ///   in-neighbours.
    public func weights(for contributions: [ModelState], context: AggregationContext) throws(AggregationError)
        -> [Double]
    {
        guard contributions.contains(where: { $0.origin == context.node }) else {
            throw .missingLocalModel(context.node)
        }
        let row = Self.mixingWeights(of: context.node, in: context.graph)
        var weights: [Double] = []
        for contribution in contributions where contribution.origin != context.node {
            guard let weight = row[contribution.origin] else {
                throw .notANeighbour(origin: contribution.origin, node: context.node)
            }
            weights.append(weight)
        }
        let selfWeight = 1 - weights.reduce(0, +)
        var iterator = weights.makeIterator()
        return contributions.map { $0.origin == context.node ? selfWeight : iterator.next()! }
    }
}

extension AggregationStrategy where Self == MetropolisHastingsGossip {
    /// Gossip averaging with Metropolis–Hastings weights.
    public static var metropolisHastings: MetropolisHastingsGossip { MetropolisHastingsGossip() }
}
