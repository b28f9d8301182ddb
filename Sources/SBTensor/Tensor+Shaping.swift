// Differentiable reshaping, permutation, indexing, slicing and concatenation.

extension Tensor {
    /// The same values with a new shape; one dimension may be `-1` and is then inferred.
    ///
    /// - Throws: ``TensorError/invalidShape(_:)`` or ``TensorError/countMismatch(shape:count:)``
    ///   when the new shape cannot hold exactly this tensor's values.
    public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else { throw .invalidShape(newShape) }
        if let axis = inferred.first {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else { throw .countMismatch(shape: newShape, count: count) }
            resolved[axis] = count / known
        }
        guard Shape.count(resolved) == count else { throw .countMismatch(shape: newShape, count: count) }
        return reshapedUnchecked(resolved)
    }

    /// Reshapes to a shape the caller knows fits (no `-1`), stopping with a message if it does not;
    /// shared with the package's other modules, which reshape data whose size they know.
    package func reshapedUnchecked(_ newShape: [Int]) -> Tensor {
        require(Shape.count(newShape) == count, TensorError.countMismatch(shape: newShape, count: count).description)
        let oldShape = shape
        let result = Tensor(uncheckedShape: newShape, storage: storage)
        return Tensor.recording(result, inputs: [self]) { gradient in
            [Tensor(uncheckedShape: oldShape, storage: gradient.storage)]
        }
    }

    /// Collapses the dimensions from `startAxis` on into one (PyTorch's `flatten(start_dim)`).
    public func flattened(startAxis: Int = 0) -> Tensor {
        let start = startAxis.normalizedAxis(rank: Swift.max(rank, 1))
        guard rank > 0 else { return reshapedUnchecked([1]) }
        return reshapedUnchecked(Array(shape[..<start]) + [Shape.count(Array(shape[start...]))])
    }

    /// Reorders the dimensions: dimension `i` of the result is dimension `axes[i]` of this tensor.
    public func permuted(_ axes: [Int]) -> Tensor {
        let axes = axes.map { $0.normalizedAxis(rank: rank) }
        require(
            axes.count == rank && Set(axes).count == rank,
            "permuted: \(axes) is not a permutation of the \(rank) axes of shape \(shape)")
        if axes == Array(0..<rank) { return self }
        let newShape = axes.map { shape[$0] }
        let sourceStrides = Shape.strides(shape)
        let strides = axes.map { sourceStrides[$0] }
        let result = Tensor(uncheckedShape: newShape, storage: gatherStrided(shape: newShape, strides: strides))
        let inverse = (0..<rank).map { axis in axes.firstIndex(of: axis)! }
        return Tensor.recording(result, inputs: [self]) { gradient in [gradient.permuted(inverse)] }
    }

    /// Swaps two dimensions.
    public func transposed(_ first: Int, _ second: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(first.normalizedAxis(rank: rank), second.normalizedAxis(rank: rank))
        return permuted(axes)
    }

    /// Swaps the last two dimensions (the matrix transpose; `.T` in NumPy for rank 2).
    public func transposed() -> Tensor {
        require(rank >= 2, "transposed(): needs rank 2 or more, shape is \(shape)")
        return transposed(-2, -1)
    }

    /// Copies the values found at `strides` into a contiguous array of `shape`.
    private func gatherStrided(shape: [Int], strides: [Int]) -> [Float] {
        let count = Shape.count(shape)
        guard count > 0 else { return [] }
        let rank = shape.count
        let inner = shape[rank - 1]
        let innerStride = strides[rank - 1]
        return storage.withUnsafeBufferPointer { source in
            makeStorage(count: count) { out in
                var index = [Int](repeating: 0, count: rank)
                var offset = 0
                var written = 0
                while written < count {
                    for i in 0..<inner { out[written + i] = source[offset + i * innerStride] }
                    written += inner
                    var axis = rank - 2
                    while axis >= 0 {
                        index[axis] += 1
                        offset += strides[axis]
                        if index[axis] < shape[axis] { break }
                        offset -= strides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }

    /// The rows (entries along the first dimension) at `indices`, in that order; indices may repeat.
    ///
    /// This is how a data loader assembles a batch. The gradient scatters back, adding where an
    /// index repeats.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        require(rank >= 1, "gatherRows: needs rank 1 or more, shape is \(shape)")
        let rows = shape[0]
        let rowSize = rows == 0 ? 0 : count / rows
        for index in indices where index < 0 || index >= rows {
            fatalError("gatherRows: " + TensorError.indexOutOfRange(index: index, count: rows).description)
        }
        let result = storage.withUnsafeBufferPointer { source in
            makeStorage(count: indices.count * rowSize) { out in
                for (position, row) in indices.enumerated() {
                    let from = source.baseAddress! + row * rowSize
                    (out.baseAddress! + position * rowSize).update(from: from, count: rowSize)
                }
            }
        }
        let inputShape = shape
        let output = Tensor(uncheckedShape: [indices.count] + shape.dropFirst(), storage: result)
        return Tensor.recording(output, inputs: [self]) { gradient in
            var scattered = [Float](repeating: 0, count: Shape.count(inputShape))
            for (position, row) in indices.enumerated() {
                for i in 0..<rowSize { scattered[row * rowSize + i] += gradient.storage[position * rowSize + i] }
            }
            return [Tensor(uncheckedShape: inputShape, storage: scattered)]
        }
    }

    /// The entries `range` along `axis` (a view copied out, like `x[:, 2:5]` in NumPy).
    public func slice(axis: Int = 0, _ range: Range<Int>) -> Tensor {
        let axis = axis.normalizedAxis(rank: rank)
        require(
            range.lowerBound >= 0 && range.upperBound <= shape[axis],
            "slice: range \(range) is outside 0..<\(shape[axis]) on axis \(axis) of shape \(shape)")
        let (outer, length, inner) = Self.split(shape, at: axis)
        let width = range.count * inner
        let result = storage.withUnsafeBufferPointer { source in
            makeStorage(count: outer * width) { out in
                for o in 0..<outer {
                    let from = source.baseAddress! + (o * length + range.lowerBound) * inner
                    (out.baseAddress! + o * width).update(from: from, count: width)
                }
            }
        }
        var outputShape = shape
        outputShape[axis] = range.count
        let inputShape = shape
        return Tensor.recording(Tensor(uncheckedShape: outputShape, storage: result), inputs: [self]) { gradient in
            var padded = [Float](repeating: 0, count: outer * length * inner)
            for o in 0..<outer {
                for i in 0..<width {
                    padded[(o * length + range.lowerBound) * inner + i] = gradient.storage[o * width + i]
                }
            }
            return [Tensor(uncheckedShape: inputShape, storage: padded)]
        }
    }

    /// The entries `range` along the first dimension.
    public subscript(range: Range<Int>) -> Tensor {
        slice(axis: 0, range)
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "concatenate: needs at least one tensor")
        let first = tensors[0]
        let axis = axis.normalizedAxis(rank: first.rank)
        for tensor in tensors {
            var expected = first.shape
            expected[axis] = tensor.rank == first.rank ? tensor.shape[axis] : -1
            shapePrecondition(tensor.shape == expected, "concatenate", first.shape, tensor.shape)
        }
        let (outer, _, inner) = split(first.shape, at: axis)
        let lengths = tensors.map { $0.shape[axis] }
        let total = lengths.reduce(0, +)
        var outputShape = first.shape
        outputShape[axis] = total
        var result = [Float](repeating: 0, count: outer * total * inner)
        var start = 0
        for (tensor, length) in zip(tensors, lengths) {
            let width = length * inner
            tensor.storage.withUnsafeBufferPointer { source in
                for o in 0..<outer {
                    for i in 0..<width { result[(o * total + start) * inner + i] = source[o * width + i] }
                }
            }
            start += length
        }
        return recording(Tensor(uncheckedShape: outputShape, storage: result), inputs: tensors) { gradient in
            var offset = 0
            return lengths.map { length in
                defer { offset += length }
                return gradient.slice(axis: axis, offset..<(offset + length))
            }
        }
    }
}
