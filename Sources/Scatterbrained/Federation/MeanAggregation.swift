/// The plain average of the models, each counting the same whatever its data size.
///
/// Useful when sample counts are unknown or cannot be trusted (a node could inflate its count to
/// dominate FedAvg).
public struct MeanAggregation: WeightedAggregationStrategy {
    /// Creates the strategy.
    public init() {}

    /// Weight 1 for every contribution.
    public func weights(for contributions: [ModelState], context: AggregationContext) -> [Double] {
        contributions.map { _ in 1 }
    }
}

extension AggregationStrategy where Self == MeanAggregation {
    /// The unweighted mean of the models.
    public static var mean: MeanAggregation { MeanAggregation() }
}
