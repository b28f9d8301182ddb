// Elementwise kernels: the loops every arithmetic and unary operation runs on. They are always
// inlined so that each caller's closure is inlined into the loop rather than called per value.

/// Builds an array of `count` values written by `body`, without zero-filling it first.
@inline(__always)
func makeStorage(count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
        body(buffer)
        initializedCount = count
    }
}

extension Tensor {
    /// Applies `transform` to every value; no graph is recorded.
    @inline(__always)
    func mapValues(_ transform: (Float) -> Float) -> Tensor {
        let result = storage.withUnsafeBufferPointer { source in
            makeStorage(count: source.count) { target in
                for index in 0..<source.count { target[index] = transform(source[index]) }
            }
        }
        return Tensor(uncheckedShape: shape, storage: result)
    }

    /// Combines two tensors of the same shape value by value; no graph is recorded.
    @inline(__always)
    func zipValues(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        let result = storage.withUnsafeBufferPointer { lhs in
            other.storage.withUnsafeBufferPointer { rhs in
                makeStorage(count: lhs.count) { target in
                    for index in 0..<lhs.count { target[index] = combine(lhs[index], rhs[index]) }
                }
            }
        }
        return Tensor(uncheckedShape: shape, storage: result)
    }

    /// Combines two tensors under NumPy broadcasting; no graph is recorded.
    ///
    /// Same shapes and scalar operands take flat loops; everything else walks the output with the
    /// innermost dimension as a contiguous (or constant) run, so bias-like broadcasts stay fast.
    @inline(__always)
    static func broadcastValues(
        _ lhs: Tensor, _ rhs: Tensor, operation: String, _ combine: (Float, Float) -> Float
    ) -> Tensor {
        if lhs.shape == rhs.shape { return lhs.zipValues(rhs, combine) }
        if rhs.count == 1 && rhs.rank <= lhs.rank {
            let scalar = rhs.storage[0]
            return lhs.mapValues { combine($0, scalar) }
        }
        if lhs.count == 1 && lhs.rank <= rhs.rank {
            let scalar = lhs.storage[0]
            return rhs.mapValues { combine(scalar, $0) }
        }
        guard let shape = Shape.broadcast(lhs.shape, rhs.shape) else {
            fatalError(TensorError.shapeMismatch(operation: operation, lhs.shape, rhs.shape).description)
        }
        let lhsStrides = broadcastStrides(of: lhs.shape, to: shape)
        let rhsStrides = broadcastStrides(of: rhs.shape, to: shape)
        let count = Shape.count(shape)
        guard count > 0 else { return Tensor(uncheckedShape: shape, storage: []) }
        let rank = shape.count
        let inner = shape[rank - 1]
        let lhsInner = lhsStrides[rank - 1]
        let rhsInner = rhsStrides[rank - 1]
        let result = lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                makeStorage(count: count) { out in
                    var index = [Int](repeating: 0, count: rank)
                    var aOffset = 0
                    var bOffset = 0
                    var outOffset = 0
                    while outOffset < count {
                        switch (lhsInner, rhsInner) {
                        case (1, 1):
                            for i in 0..<inner { out[outOffset + i] = combine(a[aOffset + i], b[bOffset + i]) }
                        case (0, 1):
                            let x = a[aOffset]
                            for i in 0..<inner { out[outOffset + i] = combine(x, b[bOffset + i]) }
                        case (1, 0):
                            let y = b[bOffset]
                            for i in 0..<inner { out[outOffset + i] = combine(a[aOffset + i], y) }
                        default:
                            let value = combine(a[aOffset], b[bOffset])
                            for i in 0..<inner { out[outOffset + i] = value }
                        }
                        outOffset += inner
                        // Advance the multi-index over the outer dimensions, odometer style.
                        var axis = rank - 2
                        while axis >= 0 {
                            index[axis] += 1
                            aOffset += lhsStrides[axis]
                            bOffset += rhsStrides[axis]
                            if index[axis] < shape[axis] { break }
                            aOffset -= lhsStrides[axis] * shape[axis]
                            bOffset -= rhsStrides[axis] * shape[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: shape, storage: result)
    }

    /// Strides that read a tensor of `shape` as if it had the broadcast shape `target`
    /// (zero along every broadcast dimension).
    static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
        let own = Shape.strides(shape)
        let offset = target.count - shape.count
        return target.indices.map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// Sums a broadcast gradient back down to `target`, the shape of the operand it belongs to.
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        require(offset >= 0, TensorError.shapeMismatch(operation: "sumToShape", shape, target).description)
        var axes: [Int] = Array(0..<offset)
        for (axis, size) in target.enumerated() where size == 1 && shape[axis + offset] != 1 {
            axes.append(axis + offset)
        }
        let summed = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        return Tensor(uncheckedShape: target, storage: summed.storage)
    }
}
