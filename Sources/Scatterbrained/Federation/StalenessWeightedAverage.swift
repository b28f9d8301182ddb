import Foundation

/// The asynchronous mode's merge: a sample-weighted average in which older models count less.
///
/// A model of round (version) `r` merged into round `R` has staleness `s = max(0, R − r)` and
/// weight
///
/// ```
/// w = sampleCount · (1 + s)^(−exponent)
/// ```
///
/// the polynomial staleness function of FedAsync (Xie et al., 2019). With `exponent` 0 this is
/// FedAvg; the default 0.5 halves the pull of a model three rounds old. A model that is stale has
/// been trained from weights the receiver has already moved past, so letting it pull as hard as a
/// fresh one would drag the receiver back.
///
/// ```swift
/// let strategy: any AggregationStrategy = .stalenessWeighted(exponent: 0.5)
/// ```
public struct StalenessWeightedAverage: WeightedAggregationStrategy {
    /// How fast weight falls with staleness; 0 ignores staleness.
    public let exponent: Double

    /// Creates the strategy.
    ///
    /// - Parameter exponent: the decay exponent `a` in `(1 + s)^(−a)`, not negative.
    /// - Precondition: `exponent` is finite and not negative; a negative one would favour stale
    ///   models, which is never what a merge wants.
    public init(exponent: Double = 0.5) {
        guard exponent >= 0 && exponent.isFinite else {
            fatalError("StalenessWeightedAverage: the exponent must be finite and not negative, got \(exponent)")
        }
        self.exponent = exponent
    }

    /// `sampleCount · (1 + staleness)^(−exponent)` for each contribution.
    public func weights(for contributions: [ModelState], context: AggregationContext) -> [Double] {
        contributions.map { contribution in
            let staleness = Double(max(0, context.round - contribution.round))
            return Double(contribution.sampleCount) * pow(1 + staleness, -exponent)
        }
    }
}

extension AggregationStrategy where Self == StalenessWeightedAverage {
    /// A sample-weighted average that discounts models by `(1 + staleness)^(−exponent)`.
    public static func stalenessWeighted(exponent: Double = 0.5) -> StalenessWeightedAverage {
        StalenessWeightedAverage(exponent: exponent)
    }
}
