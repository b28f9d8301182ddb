import SBTensor

extension Tensor {
    /// Zeroes each value with probability `probability` and scales the survivors by
    /// 1 / (1 − `probability`), so the expected value is unchanged (PyTorch's `F.dropout` in training).
    ///
    /// The mask is drawn from `generator`, so the same generator state gives the same mask; the
    /// ``Dropout`` layer seeds one from `GlobalRandom` on every call. Gradients flow through the
    /// surviving values only.
    ///
    /// - Precondition: `probability` is in `0...1`.
    public func dropout(probability: Float, using generator: inout SeededGenerator) -> Tensor {
        require((0...1).contains(probability), "dropout: probability \(probability) is outside 0...1")
        if probability == 0 { return self }
        // Scaling by 1 / (1 − 1) would turn the zeros into NaN.
        if probability == 1 { return self * 0 }
        let keepProbability = 1 - probability
        // A uniform draw in [0, 1) lies below keepProbability with exactly that probability.
        let mask = (Tensor.uniform(shape, using: &generator) .< keepProbability) * (1 / keepProbability)
        return self * mask
    }
}
