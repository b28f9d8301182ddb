// 2-D convolution (as one matrix multiplication over unfolded patches) and max pooling, both on
// NCHW tensors as PyTorch lays them out.

/// The spatial geometry of a sliding-window operation over an NCHW input.
struct WindowGeometry {
    let batch, channels, height, width: Int
    let kernelHeight, kernelWidth, stride, padding: Int

    var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    var positions: Int { outputHeight * outputWidth }
    var patchSize: Int { channels * kernelHeight * kernelWidth }

    /// Calls `body(row, column, inputIndex)` for every in-bounds input element of every patch,
    /// where `row` is the output position (n, oy, ox) and `column` the patch entry (c, ky, kx).
    @inline(__always)
    func forEachPatchElement(_ body: (Int, Int, Int) -> Void) {
        for n in 0..<batch {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let row = (n * outputHeight + oy) * outputWidth + ox
                    for c in 0..<channels {
                        for ky in 0..<kernelHeight {
                            let y = oy * stride + ky - padding
                            guard y >= 0 && y < height else { continue }
                            for kx in 0..<kernelWidth {
                                let x = ox * stride + kx - padding
                                guard x >= 0 && x < width else { continue }
                                let column = (c * kernelHeight + ky) * kernelWidth + kx
                                body(row, column, ((n * channels + c) * height + y) * width + x)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// 2-D cross-correlation of `input` `[n, c, h, w]` with `weight` `[out, c, kh, kw]`, plus
    /// `bias` `[out]`, as PyTorch's `conv2d`.
    public static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0
    ) -> Tensor {
        require(input.rank == 4, "conv2d: input must be [batch, channels, height, width], shape is \(input.shape)")
        require(weight.rank == 4, "conv2d: weight must be [out, in, kh, kw], shape is \(weight.shape)")
        shapePrecondition(input.shape[1] == weight.shape[1], "conv2d (input, weight)", input.shape, weight.shape)
        require(stride >= 1 && padding >= 0, "conv2d: stride must be ≥ 1 and padding ≥ 0")
        let geometry = WindowGeometry(
            batch: input.shape[0], channels: input.shape[1], height: input.shape[2], width: input.shape[3],
            kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], stride: stride, padding: padding)
        require(
            geometry.outputHeight > 0 && geometry.outputWidth > 0,
            "conv2d: kernel \(weight.shape[2])x\(weight.shape[3]) is larger than the padded input \(input.shape)")
        let outChannels = weight.shape[0]

        // Patches as rows: [n·oh·ow, c·kh·kw]; then output rows = patches · weightᵀ.
        let patches = unfold(input.storage, geometry)
        let rows = geometry.batch * geometry.positions
        var product = gemm(
            rows: rows, columns: outChannels, depth: geometry.patchSize, patches, transA: false, weight.storage,
            transB: true)
        if let bias {
            shapePrecondition(bias.shape == [outChannels], "conv2d (weight, bias)", weight.shape, bias.shape)
            for row in 0..<rows {
                for o in 0..<outChannels { product[row * outChannels + o] += bias.storage[o] }
            }
        }
        let outputShape = [geometry.batch, outChannels, geometry.outputHeight, geometry.outputWidth]
        let output = Tensor(uncheckedShape: [geometry.batch, geometry.positions, outChannels], storage: product)
            .permuted([0, 2, 1])
        let result = Tensor(uncheckedShape: outputShape, storage: output.storage)

        let savedWeight = weight.detached()
        let inputShape = input.shape
        let hasBias = bias != nil
        let needs = (input.requiresGrad, weight.requiresGrad, bias?.requiresGrad ?? false)
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        return recording(result, inputs: inputs) { gradient in
            // Back to rows: [n·oh·ow, out].
            let gradientRows = Tensor(
                uncheckedShape: [geometry.batch, outChannels, geometry.positions], storage: gradient.storage
            ).permuted([0, 2, 1]).storage
            var gradients: [Tensor?] = []
            if needs.0 {
                let patchGradients = gemm(
                    rows: rows, columns: geometry.patchSize, depth: outChannels, gradientRows, transA: false,
                    savedWeight.storage, transB: false)
                gradients.append(Tensor(uncheckedShape: inputShape, storage: fold(patchGradients, geometry)))
            } else {
                gradients.append(nil)
            }
            if needs.1 {
                let weightGradient = gemm(
                    rows: outChannels, columns: geometry.patchSize, depth: rows, gradientRows, transA: true, patches,
                    transB: false)
                gradients.append(Tensor(uncheckedShape: savedWeight.shape, storage: weightGradient))
            } else {
                gradients.append(nil)
            }
            if hasBias {
                let biasGradient = Tensor(uncheckedShape: [rows, outChannels], storage: gradientRows)
                gradients.append(needs.2 ? biasGradient.columnSums(rows: rows, columns: outChannels) : nil)
            }
            return gradients
        }
    }

    /// Copies every patch of `input` into a row (im2col); out-of-bounds (padding) entries are 0.
    private static func unfold(_ input: [Float], _ geometry: WindowGeometry) -> [Float] {
        var patches = [Float](repeating: 0, count: geometry.batch * geometry.positions * geometry.patchSize)
        let patchSize = geometry.patchSize
        input.withUnsafeBufferPointer { source in
            patches.withUnsafeMutableBufferPointer { target in
                geometry.forEachPatchElement { row, column, index in target[row * patchSize + column] = source[index] }
            }
        }
        return patches
    }

    /// Adds every patch row back onto the input positions it was copied from (col2im).
    private static func fold(_ patches: [Float], _ geometry: WindowGeometry) -> [Float] {
        var input = [Float](
            repeating: 0, count: geometry.batch * geometry.channels * geometry.height * geometry.width)
        let patchSize = geometry.patchSize
        patches.withUnsafeBufferPointer { source in
            input.withUnsafeMutableBufferPointer { target in
                geometry.forEachPatchElement { row, column, index in target[index] += source[row * patchSize + column] }
            }
        }
        return input
    }

    /// The maximum of each `kernelSize`×`kernelSize` window of an NCHW tensor, windows `stride`
    /// apart (default: `kernelSize`, as PyTorch's `max_pool2d`); no padding.
    public func maxPool2d(kernelSize: Int, stride: Int? = nil) -> Tensor {
        require(rank == 4, "maxPool2d: input must be [batch, channels, height, width], shape is \(shape)")
        let stride = stride ?? kernelSize
        require(kernelSize >= 1 && stride >= 1, "maxPool2d: kernel size and stride must be ≥ 1")
        let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let outputHeight = (height - kernelSize) / stride + 1
        let outputWidth = (width - kernelSize) / stride + 1
        require(
            height >= kernelSize && width >= kernelSize,
            "maxPool2d: kernel \(kernelSize) is larger than the input \(shape)")
        let planes = batch * channels
        let outputCount = planes * outputHeight * outputWidth
        var winners = [Int](repeating: 0, count: outputCount)
        var values = [Float](repeating: 0, count: outputCount)
        storage.withUnsafeBufferPointer { input in
            for plane in 0..<planes {
                for oy in 0..<outputHeight {
                    for ox in 0..<outputWidth {
                        var best = -Float.infinity
                        var bestIndex = plane * height * width + oy * stride * width + ox * stride
                        for ky in 0..<kernelSize {
                            for kx in 0..<kernelSize {
                                let index = plane * height * width + (oy * stride + ky) * width + ox * stride + kx
                                if input[index] > best {
                                    best = input[index]
                                    bestIndex = index
                                }
                            }
                        }
                        let slot = (plane * outputHeight + oy) * outputWidth + ox
                        values[slot] = best
                        winners[slot] = bestIndex
                    }
                }
            }
        }
        let result = Tensor(uncheckedShape: [batch, channels, outputHeight, outputWidth], storage: values)
        let inputShape = shape
        let sources = winners
        return Tensor.recording(result, inputs: [self]) { gradient in
            var routed = [Float](repeating: 0, count: Shape.count(inputShape))
            for (slot, index) in sources.enumerated() { routed[index] += gradient.storage[slot] }
            return [Tensor(uncheckedShape: inputShape, storage: routed)]
        }
    }
}
