import CSBKernels

extension Tensor {
    /// The matrix product, batched over leading dimensions with broadcasting.
    ///
    /// `[..., m, k] · [..., k, n] → [..., m, n]`; both operands need rank 2 or more. A batch of
    /// inputs times one weight matrix (`[b, m, k] · [k, n]`) runs as one large multiplication.
    public func matmul(_ other: Tensor) -> Tensor {
        require(
            rank >= 2 && other.rank >= 2,
            "matmul: needs tensors of rank 2 or more, shapes are \(shape) and \(other.shape)")
        shapePrecondition(shape[rank - 1] == other.shape[other.rank - 2], "matmul", shape, other.shape)
        let result = Tensor.multiply(self, transposed: false, other, transposed: false)
        let (a, b) = (detached(), other.detached())
        let (needsA, needsB) = (requiresGrad, other.requiresGrad)
        return Tensor.recording(result, inputs: [self, other]) { gradient in
            [
                // dA = dC · Bᵀ, dB = Aᵀ · dC, summed over any batch dimension that was broadcast.
                needsA ? Tensor.multiply(gradient, transposed: false, b, transposed: true).sumToShape(a.shape) : nil,
                needsB ? Tensor.multiply(a, transposed: true, gradient, transposed: false).sumToShape(b.shape) : nil,
            ]
        }
    }

    /// `op(a) · op(b)` without recording a graph, where `op` transposes the last two dimensions
    /// when asked; batch dimensions broadcast.
    static func multiply(_ a: Tensor, transposed transA: Bool, _ b: Tensor, transposed transB: Bool) -> Tensor {
        let (aRows, aCols) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, bCols) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transA ? (aCols, aRows) : (aRows, aCols)
        let n = transB ? bRows : bCols
        let aBatch = Array(a.shape.dropLast(2))
        let bBatch = Array(b.shape.dropLast(2))

        // A stack of matrices times one matrix is one tall multiplication.
        if bBatch.allSatisfy({ $0 == 1 }) && !transA && aBatch.count >= bBatch.count {
            let rows = Shape.count(aBatch) * m
            let c = gemm(rows: rows, columns: n, depth: k, a.storage, transA: false, b.storage, transB: transB)
            return Tensor(uncheckedShape: aBatch + [m, n], storage: c)
        }

        guard let batchShape = Shape.broadcast(aBatch, bBatch) else {
            fatalError(TensorError.shapeMismatch(operation: "matmul", a.shape, b.shape).description)
        }
        let aFull = a.expanded(to: batchShape + [aRows, aCols])
        let bFull = b.expanded(to: batchShape + [bRows, bCols])
        let batches = Shape.count(batchShape)
        var output = [Float](repeating: 0, count: batches * m * n)
        aFull.storage.withUnsafeBufferPointer { aValues in
            bFull.storage.withUnsafeBufferPointer { bValues in
                output.withUnsafeMutableBufferPointer { cValues in
                    for batch in 0..<batches {
                        sb_sgemm(
                            transA ? 1 : 0, transB ? 1 : 0, m, n, k, 1,
                            aValues.baseAddress! + batch * aRows * aCols, aCols,
                            bValues.baseAddress! + batch * bRows * bCols, bCols,
                            0, cValues.baseAddress! + batch * m * n, n)
                    }
                }
            }
        }
        return Tensor(uncheckedShape: batchShape + [m, n], storage: output)
    }

    /// One row-major GEMM `op(A)[rows×depth] · op(B)[depth×columns]` into a new array.
    static func gemm(
        rows: Int, columns: Int, depth: Int, _ a: [Float], transA: Bool, _ b: [Float], transB: Bool
    ) -> [Float] {
        a.withUnsafeBufferPointer { aValues in
            b.withUnsafeBufferPointer { bValues in
                makeStorage(count: rows * columns) { c in
                    guard rows * columns > 0 else { return }
                    sb_sgemm(
                        transA ? 1 : 0, transB ? 1 : 0, rows, columns, depth, 1,
                        aValues.baseAddress, transA ? rows : depth,
                        bValues.baseAddress, transB ? depth : columns,
                        0, c.baseAddress!, columns)
                }
            }
        }
    }

    /// This tensor broadcast to `target` and stored densely; no graph.
    func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        return Tensor.broadcastValues(Tensor.zeros(target), detached(), operation: "expand", +)
    }
}
