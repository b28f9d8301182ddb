import SBTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Sampling written out here rather than taken from the standard library (`shuffle(using:)`,
// `Int.random(in:using:)`), whose algorithms may change between toolchains: a seed must give the
// same split, shuffle and partition everywhere and forever.
extension SeededGenerator {
    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, no modulo bias).
    mutating func nextIndex(below bound: Int) -> Int {
        require(bound > 0, "nextIndex(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = range.multipliedFullWidth(by: next())
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = range.multipliedFullWidth(by: next())
            }
        }
        return Int(product.high)
    }

    /// A uniform `Double` in `(0, 1]`, safe to take the logarithm of.
    mutating func nextOpenUnitDouble() -> Double {
        Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Shuffles `values` in place (Fisher–Yates).
    mutating func shuffle(_ values: inout [Int]) {
        var upper = values.count - 1
        while upper > 0 {
            values.swapAt(upper, nextIndex(below: upper + 1))
            upper -= 1
        }
    }

    /// A uniformly random ordering of `0..<count`.
    mutating func permutation(_ count: Int) -> [Int] {
        var values = Array(0..<count)
        shuffle(&values)
        return values
    }

    /// The logarithm of a Gamma(shape, 1) sample, by Marsaglia and Tsang's method.
    ///
    /// Logarithms keep tiny shapes usable: for shape 0.01 most samples underflow a `Double`, yet
    /// their ratios, which is all a Dirichlet sample needs, are still well defined.
    mutating func nextLogGamma(shape: Double) -> Double {
        require(shape > 0 && shape.isFinite, "Gamma shape must be positive and finite, got \(shape)")
        // Gamma(a) = Gamma(a + 1) · U^(1/a) extends the method, which needs a ≥ 1, to a < 1.
        let boost = shape < 1 ? log(nextOpenUnitDouble()) / shape : 0
        let d = (shape < 1 ? shape + 1 : shape) - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = Double(nextNormal())
            let root = 1 + c * x
            guard root > 0 else { continue }
            let v = root * root * root
            let logU = log(nextOpenUnitDouble())
            if logU < 0.5 * x * x + d * (1 - v + log(v)) {
                return log(d * v) + boost
            }
        }
    }

    /// A sample from the symmetric Dirichlet distribution with concentration `alpha` over
    /// `count` categories: non-negative proportions summing to 1.
    mutating func nextDirichlet(alpha: Double, count: Int) -> [Double] {
        let logs = (0..<count).map { _ in nextLogGamma(shape: alpha) }
        let largest = logs.max() ?? 0
        let weights = logs.map { exp($0 - largest) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }
}
