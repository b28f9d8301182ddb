extension Tensor {
    /// `input · weightᵀ + bias`, PyTorch's `linear`: the fused kernel behind a fully connected layer.
    ///
    /// `input` is `[..., in]`, `weight` is `[out, in]`, `bias` is `[out]`; the result is `[..., out]`.
    /// The weight is read transposed in place and the bias added in the same pass, so neither the
    /// forward nor the backward pass copies the weight.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        require(input.rank >= 1 && weight.rank == 2, "linear: needs input [..., in] and weight [out, in]")
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        shapePrecondition(
            input.shape[input.rank - 1] == inFeatures, "linear (input, weight)", input.shape, weight.shape)
        if let bias {
            shapePrecondition(bias.shape == [outFeatures], "linear (weight, bias)", weight.shape, bias.shape)
        }
        let rows = input.count / Swift.max(inFeatures, 1)
        var output = gemm(
            rows: rows, columns: outFeatures, depth: inFeatures, input.storage, transA: false, weight.storage,
            transB: true)
        if let bias {
            bias.storage.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { out in
                    for row in 0..<rows {
                        let base = row * outFeatures
                        for o in 0..<outFeatures { out[base + o] += b[o] }
                    }
                }
            }
        }
        let result = Tensor(uncheckedShape: Array(input.shape.dropLast()) + [outFeatures], storage: output)
        let (x, w) = (input.detached(), weight.detached())
        let needs = (input.requiresGrad, weight.requiresGrad, bias?.requiresGrad ?? false)
        let hasBias = bias != nil
        return recording(result, inputs: [input, weight] + (bias.map { [$0] } ?? [])) { gradient in
            var gradients: [Tensor?] = [nil, nil]
            if needs.0 {  // dX = dY · W
                let dx = gemm(
                    rows: rows, columns: inFeatures, depth: outFeatures, gradient.storage, transA: false, w.storage,
                    transB: false)
                gradients[0] = Tensor(uncheckedShape: x.shape, storage: dx)
            }
            if needs.1 {  // dW = dYᵀ · X
                let dw = gemm(
                    rows: outFeatures, columns: inFeatures, depth: rows, gradient.storage, transA: true, x.storage,
                    transB: false)
                gradients[1] = Tensor(uncheckedShape: w.shape, storage: dw)
            }
            if hasBias {  // db = Σ rows of dY
                gradients.append(needs.2 ? gradient.columnSums(rows: rows, columns: outFeatures) : nil)
            }
            return gradients
        }
    }

    /// Sums a row-major `[rows, columns]` block over its rows, without a graph.
    func columnSums(rows: Int, columns: Int) -> Tensor {
        var sums = [Float](repeating: 0, count: columns)
        storage.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { out in
                for row in 0..<rows {
                    let base = row * columns
                    for column in 0..<columns { out[column] += values[base + column] }
                }
            }
        }
        return Tensor(sums)
    }
}
