import SBTensor

extension ModelParameters {
    /// The sum of `terms`, each model scaled by its weight: `Σ weight · parameters`.
    ///
    /// Aggregation strategies normalise their weights first, so the sum is a weighted average;
    /// the weights are not required to sum to 1 here, which also makes differences
    /// (`[(a, 1), (b, -1)]`) expressible.
    ///
    /// ```swift
    /// let average = try ModelParameters.weightedSum([(alice, 0.25), (bob, 0.75)])
    /// ```
    ///
    /// - Returns: parameters with the first term's names and shapes.
    /// - Throws: ``AggregationError/noContributions`` for no terms, and
    ///   ``AggregationError/incompatible(term:_:)`` when a term's parameters do not line up with
    ///   the first term's.
    public static func weightedSum(
        _ terms: [(parameters: ModelParameters, weight: Double)]
    ) throws(AggregationError) -> ModelParameters {
        guard let first = terms.first?.parameters else { throw .noContributions }
        try checkAllCompatible(terms.map(\.parameters))
        let tensors = first.tensors.indices.map { index in
            var sum = [Float](repeating: 0, count: first.tensors[index].count)
            for (parameters, weight) in terms {
                let scale = Float(weight)
                parameters.tensors[index].withUnsafeBufferPointer { source in
                    sum.withUnsafeMutableBufferPointer { target in
                        for position in target.indices { target[position] += scale * source[position] }
                    }
                }
            }
            // The shape comes from an existing tensor with this many values, so this cannot throw.
            return try! Tensor(shape: first.tensors[index].shape, scalars: sum)
        }
        return ModelParameters(unchecked: first.names, tensors)
    }

    private static func checkAllCompatible(_ models: [ModelParameters]) throws(AggregationError) {
        for (index, model) in models.enumerated().dropFirst() {
            do {
                try models[0].checkCompatible(with: model)
            } catch {
                throw .incompatible(term: index, error)
            }
        }
    }
}
