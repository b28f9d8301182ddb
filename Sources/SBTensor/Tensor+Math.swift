// Differentiable elementwise functions.

extension Tensor {
    /// eˣ elementwise.
    public func exp() -> Tensor {
        let result = mapValues(Math.exp)
        return Tensor.recording(result, inputs: [self]) { gradient in [gradient.zipValues(result, *)] }
    }

    /// The natural logarithm elementwise.
    public func log() -> Tensor {
        let input = detached()
        return Tensor.recording(mapValues(Math.log), inputs: [self]) { gradient in [gradient.zipValues(input, /)] }
    }

    /// The square root elementwise.
    public func sqrt() -> Tensor {
        let result = mapValues(Math.sqrt)
        return Tensor.recording(result, inputs: [self]) { gradient in
            [gradient.zipValues(result) { $0 * 0.5 / $1 }]
        }
    }

    /// Each value raised to `exponent`.
    public func pow(_ exponent: Float) -> Tensor {
        let input = detached()
        return Tensor.recording(mapValues { Math.pow($0, exponent) }, inputs: [self]) { gradient in
            [gradient.zipValues(input) { $0 * exponent * Math.pow($1, exponent - 1) }]
        }
    }

    /// Each value squared.
    public func square() -> Tensor {
        let input = detached()
        return Tensor.recording(mapValues { $0 * $0 }, inputs: [self]) { gradient in
            [gradient.zipValues(input) { 2 * $0 * $1 }]
        }
    }

    /// The absolute value elementwise (gradient 0 at 0, as PyTorch's).
    public func abs() -> Tensor {
        let input = detached()
        return Tensor.recording(mapValues { Swift.abs($0) }, inputs: [self]) { gradient in
            [gradient.zipValues(input) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }]
        }
    }

    /// Values limited to `min...max` (either bound optional); the gradient passes only where the
    /// value was inside the bounds.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        require(lower <= upper, "clamped: min \(lower) is greater than max \(upper)")
        let input = detached()
        return Tensor.recording(mapValues { Swift.min(Swift.max($0, lower), upper) }, inputs: [self]) { gradient in
            [gradient.zipValues(input) { $1 >= lower && $1 <= upper ? $0 : 0 }]
        }
    }

    /// max(x, 0) elementwise.
    public func relu() -> Tensor {
        let input = detached()
        return Tensor.recording(mapValues { $0 > 0 ? $0 : 0 }, inputs: [self]) { gradient in
            [gradient.zipValues(input) { $1 > 0 ? $0 : 0 }]
        }
    }

    /// 1 / (1 + e⁻ˣ) elementwise, computed without overflow for large |x|.
    public func sigmoid() -> Tensor {
        let result = mapValues(stableSigmoid)
        return Tensor.recording(result, inputs: [self]) { gradient in
            [gradient.zipValues(result) { $0 * $1 * (1 - $1) }]
        }
    }

    /// The hyperbolic tangent elementwise.
    public func tanh() -> Tensor {
        let result = mapValues(Math.tanh)
        return Tensor.recording(result, inputs: [self]) { gradient in
            [gradient.zipValues(result) { $0 * (1 - $1 * $1) }]
        }
    }
}

/// The logistic function, evaluated on the side where the exponential cannot overflow.
@inlinable
func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Math.exp(-x)) }
    let e = Math.exp(x)
    return e / (1 + e)
}
