extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        require(shape.allSatisfy { $0 >= 0 }, TensorError.invalidShape(shape).description)
        return Tensor(uncheckedShape: shape, storage: [Float](repeating: value, count: Shape.count(shape)))
    }

    /// A tensor of `shape` filled with zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }

    /// A tensor of `shape` filled with ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// A zero tensor with `other`'s shape.
    public static func zeros(like other: Tensor) -> Tensor { full(other.shape, 0) }

    /// The values `0, 1, …` below `end`, as a one-dimensional tensor (`arange(5)` is `[0, 1, 2, 3, 4]`).
    public static func arange(_ end: Float) -> Tensor { arange(0, end) }

    /// The values `start, start + step, …` below `end`, as a one-dimensional tensor.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "arange: step must not be zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<count).map { start + Float($0) * step })
    }

    /// Samples from the normal distribution with the given mean and standard deviation.
    ///
    /// - Parameter seed: fixes the values; nil draws a seed from ``GlobalRandom``.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64? = nil) -> Tensor {
        var generator = SeededGenerator(seed: seed ?? GlobalRandom.nextSeed())
        return randn(shape, mean: mean, std: std, using: &generator)
    }

    /// Samples from the normal distribution using `generator`.
    public static func randn(
        _ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout SeededGenerator
    ) -> Tensor {
        var result = zeros(shape)
        result.storage.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = mean + std * generator.nextNormal() }
        }
        return result
    }

    /// Samples uniformly from `[low, high)`.
    ///
    /// - Parameter seed: fixes the values; nil draws a seed from ``GlobalRandom``.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64? = nil) -> Tensor {
        var generator = SeededGenerator(seed: seed ?? GlobalRandom.nextSeed())
        return uniform(shape, low: low, high: high, using: &generator)
    }

    /// Samples uniformly from `[low, high)` using `generator`.
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout SeededGenerator
    ) -> Tensor {
        var result = zeros(shape)
        let width = high - low
        result.storage.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = low + width * generator.nextUnitFloat() }
        }
        return result
    }
}
