// Reductions over axes. Each reduces one axis at a time, viewing the tensor as
// [outer, axis, inner] so the inner loop runs over contiguous memory.

extension Tensor {
    /// The sum of all values, as a scalar tensor.
    public func sum() -> Tensor {
        let total = storage.withUnsafeBufferPointer { values in
            // Double accumulation keeps large sums accurate.
            var sum: Double = 0
            for value in values { sum += Double(value) }
            return Float(sum)
        }
        let shape = self.shape
        return Tensor.recording(Tensor(total), inputs: [self]) { gradient in
            [Tensor.full(shape, gradient.storage[0])]
        }
    }

    /// Sums over `axis` (negative counts from the end), keeping it as size 1 if `keepDims`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        sum(axes: [axis], keepDims: keepDims)
    }

    /// Sums over every axis in `axes`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let resolved = Set(axes.map { $0.normalizedAxis(rank: rank) })
        var reduced = self.detached()
        for axis in resolved.sorted(by: >) { reduced = reduced.sumKeepingAxis(axis) }
        let keptShape = reduced.shape
        let inputShape = shape
        if !keepDims {
            reduced = Tensor(
                uncheckedShape: shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element),
                storage: reduced.storage)
        }
        return Tensor.recording(reduced, inputs: [self]) { gradient in
            let kept = Tensor(uncheckedShape: keptShape, storage: gradient.storage)
            return [Tensor.broadcastValues(Tensor.zeros(inputShape), kept, operation: "sum backward", +)]
        }
    }

    /// The mean of all values, as a scalar tensor.
    public func mean() -> Tensor {
        sum() / Float(Swift.max(count, 1))
    }

    /// The mean over `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        mean(axes: [axis], keepDims: keepDims)
    }

    /// The mean over every axis in `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let resolved = Set(axes.map { $0.normalizedAxis(rank: rank) })
        let reducedCount = resolved.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) / Float(Swift.max(reducedCount, 1))
    }

    /// The largest value over `axis`; the gradient flows to the first maximum of each slice.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let axis = axis.normalizedAxis(rank: rank)
        require(shape[axis] > 0, "max: axis \(axis) of shape \(shape) is empty")
        let (values, positions) = maxKeepingAxis(axis)
        let outputShape = keepDims ? values.shape : shape.enumerated().filter { $0.offset != axis }.map(\.element)
        let inputShape = shape
        let (outer, length, inner) = Self.split(shape, at: axis)
        return Tensor.recording(Tensor(uncheckedShape: outputShape, storage: values.storage), inputs: [self]) {
            gradient in
            var result = [Float](repeating: 0, count: outer * length * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let slot = o * inner + i
                    result[(o * length + positions[slot]) * inner + i] = gradient.storage[slot]
                }
            }
            return [Tensor(uncheckedShape: inputShape, storage: result)]
        }
    }

    /// The largest value of the whole tensor, as a scalar tensor.
    public func max() -> Tensor {
        reshapedUnchecked([count]).max(axis: 0)
    }

    /// The index of the first largest value over `axis`, as Float values (class indices).
    public func argmax(axis: Int) -> Tensor {
        let axis = axis.normalizedAxis(rank: rank)
        require(shape[axis] > 0, "argmax: axis \(axis) of shape \(shape) is empty")
        let (_, positions) = maxKeepingAxis(axis)
        return Tensor(
            uncheckedShape: shape.enumerated().filter { $0.offset != axis }.map(\.element),
            storage: positions.map(Float.init))
    }

    /// The dimensions before `axis`, its length, and the dimensions after it, as element counts.
    static func split(_ shape: [Int], at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (Shape.count(Array(shape[..<axis])), shape[axis], Shape.count(Array(shape[(axis + 1)...])))
    }

    /// Sums over one axis, keeping it with size 1; no graph.
    private func sumKeepingAxis(_ axis: Int) -> Tensor {
        let (outer, length, inner) = Self.split(shape, at: axis)
        var outputShape = shape
        outputShape[axis] = 1
        let result = storage.withUnsafeBufferPointer { input in
            var output = [Float](repeating: 0, count: outer * inner)
            output.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    let base = o * length * inner
                    if inner == 1 {
                        var sum: Float = 0
                        for k in 0..<length { sum += input[base + k] }
                        out[o] = sum
                    } else {
                        for k in 0..<length {
                            let row = base + k * inner
                            for i in 0..<inner { out[o * inner + i] += input[row + i] }
                        }
                    }
                }
            }
            return output
        }
        return Tensor(uncheckedShape: outputShape, storage: result)
    }

    /// Maximum values over one axis (kept with size 1) and, per output slot, the position of the
    /// first maximum along the axis.
    private func maxKeepingAxis(_ axis: Int) -> (Tensor, [Int]) {
        let (outer, length, inner) = Self.split(shape, at: axis)
        var outputShape = shape
        outputShape[axis] = 1
        var values = [Float](repeating: -.infinity, count: outer * inner)
        var positions = [Int](repeating: 0, count: outer * inner)
        storage.withUnsafeBufferPointer { input in
            for o in 0..<outer {
                for k in 0..<length {
                    let row = (o * length + k) * inner
                    for i in 0..<inner {
                        let slot = o * inner + i
                        // `k == 0` takes the first value even when it is NaN or -infinity.
                        if k == 0 || input[row + i] > values[slot] {
                            values[slot] = input[row + i]
                            positions[slot] = k
                        }
                    }
                }
            }
        }
        return (Tensor(uncheckedShape: outputShape, storage: values), positions)
    }
}
