/// Federated averaging (McMahan et al., 2017): the average of the models weighted by the number
/// of samples each was trained on.
///
/// A node with twice the data pulls the result twice as hard, which makes the average equal to
/// what one model trained on the union of the data would see in expectation.
///
/// ```swift
/// let global = try FedAvg().aggregate(updates, context: context)
/// ```
public struct FedAvg: WeightedAggregationStrategy {
    /// Creates the strategy.
    public init() {}

    /// Each contribution's sample count.
    public func weights(for contributions: [ModelState], context: AggregationContext) -> [Double] {
        contributions.map { Double($0.sampleCount) }
    }
}

extension AggregationStrategy where Self == FedAvg {
    /// Federated averaging, weighted by sample counts.
    public static var fedAvg: FedAvg { FedAvg() }
}
