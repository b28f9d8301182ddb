import SBTensor
import Testing

/// Expects `actual` to have `shape` and values within `tolerance` (relative above 1, absolute
/// below) of `expected`, reporting the first element that differs.
func expectValues(
    _ actual: Tensor, _ expected: [Float], shape: [Int], tolerance: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == shape, sourceLocation: sourceLocation)
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    let mismatch = zip(actual.scalars, expected).enumerated().first { _, pair in
        !(Swift.abs(pair.0 - pair.1) <= tolerance * Swift.max(1, Swift.abs(pair.1)))
    }
    if let (index, (value, wanted)) = mismatch {
        Issue.record("element \(index) is \(value), expected \(wanted)", sourceLocation: sourceLocation)
    }
}

/// Reproducible values in [-1, 1).
func sample(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.uniform(shape, low: -1, high: 1, seed: seed)
}
