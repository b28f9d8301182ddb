/// The 8-bit affine mapping of one int8 tensor: `value ≈ scale × (q − zeroPoint)`.
///
/// The range is widened to include zero so that zero (padding, pruned weights, unchanged deltas)
/// round-trips exactly, and `scale` spreads that range over all 256 codes.
///
/// ```swift
/// let quantization = try AffineQuantization(fitting: weights, tensor: "0.weight")
/// let codes = weights.map(quantization.quantize)
/// let restored = codes.map(quantization.dequantize)   // each within `scale` of the original
/// ```
public struct AffineQuantization: Sendable, Equatable {
    /// The step between adjacent codes; finite and positive.
    public let scale: Float
    /// The code that stands for zero.
    public let zeroPoint: Int8

    /// Creates a mapping from its parameters.
    ///
    /// - Throws: ``WireError/invalidValue(field:reason:)`` unless `scale` is finite and positive.
    public init(scale: Float, zeroPoint: Int8) throws(WireError) {
        guard scale.isFinite, scale > 0 else {
            throw .invalidValue(field: "int8 scale", reason: "must be finite and positive, got \(scale)")
        }
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The mapping that covers `values` (and zero) with the finest step.
    ///
    /// - Throws: ``WireError/nonFiniteValue(tensor:)`` if a value is NaN or infinite.
    public init(fitting values: [Float], tensor: String) throws(WireError) {
        var low: Float = 0
        var high: Float = 0
        for value in values {
            guard value.isFinite else { throw .nonFiniteValue(tensor: tensor) }
            low = min(low, value)
            high = max(high, value)
        }
        // Double, because high − low overflows Float for weights near ±Float.greatestFiniteMagnitude.
        let step = (Double(high) - Double(low)) / 255
        guard step > 0 else {
            try self.init(scale: 1, zeroPoint: 0)
            return
        }
        let zero = (-128 - Double(low) / step).rounded().clamped(to: -128...127)
        // A range of subnormals gives a step that rounds to zero in Float; the smallest normal still works.
        try self.init(scale: max(Float(step), .leastNormalMagnitude), zeroPoint: Int8(zero))
    }

    /// The code nearest to `value`, saturating at the ends of the range; NaN maps to the zero point.
    public func quantize(_ value: Float) -> Int8 {
        let code = (Double(value) / Double(scale)).rounded() + Double(zeroPoint)
        return code.isNaN ? zeroPoint : Int8(code.clamped(to: -128...127))
    }

    /// The value a code stands for, saturating at ±`Float.greatestFiniteMagnitude`: the rounded
    /// zero point can put the outermost code half a step beyond a range that ends at Float's limit.
    public func dequantize(_ code: Int8) -> Float {
        let value = Double(scale) * (Double(code) - Double(zeroPoint))
        return Float(value.clamped(to: -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)))
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}
