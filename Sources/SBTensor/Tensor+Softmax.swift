// Softmax, log-softmax and the fused losses built on them. Each subtracts the slice maximum before
// exponentiating (the log-sum-exp trick), so large logits never overflow.

extension Tensor {
    /// exp(x) / Σ exp(x) over `axis`.
    public func softmax(axis: Int = -1) -> Tensor {
        let axis = axis.normalizedAxis(rank: rank)
        let probabilities = softmaxValues(axis: axis, logarithm: false)
        return Tensor.recording(probabilities, inputs: [self]) { gradient in
            // dx = p ⊙ (g − Σ g ⊙ p)
            let weighted = gradient.zipValues(probabilities, *).sumKeptValues(axis: axis)
            let centred = Tensor.broadcastValues(gradient, weighted, operation: "softmax backward", -)
            return [centred.zipValues(probabilities, *)]
        }
    }

    /// log(softmax(x)) over `axis`, computed stably.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let axis = axis.normalizedAxis(rank: rank)
        let logProbabilities = softmaxValues(axis: axis, logarithm: true)
        return Tensor.recording(logProbabilities, inputs: [self]) { gradient in
            // dx = g − softmax ⊙ Σ g
            let total = gradient.sumKeptValues(axis: axis)
            let probabilities = logProbabilities.mapValues(Math.exp)
            let scaled = Tensor.broadcastValues(probabilities, total, operation: "logSoftmax backward", *)
            return [gradient.zipValues(scaled, -)]
        }
    }

    /// Cross-entropy between `logits` `[n, classes]` and class indices `targets` `[n]`, averaged
    /// over the batch (PyTorch's `cross_entropy` with mean reduction).
    ///
    /// - Precondition: every target is a whole number in `0..<classes`.
    public static func crossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
        require(logits.rank == 2, "crossEntropy: logits must be [batch, classes], shape is \(logits.shape)")
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        shapePrecondition(
            targets.count == batch && targets.rank <= 2, "crossEntropy (logits, targets)", logits.shape, targets.shape)
        let labels = targets.storage.map { value -> Int in
            let label = Int(value)
            require(
                Float(label) == value && label >= 0 && label < classes,
                "crossEntropy: target \(value) is not a class index in 0..<\(classes)")
            return label
        }
        let logProbabilities = logits.softmaxValues(axis: 1, logarithm: true)
        var loss: Double = 0
        for (row, label) in labels.enumerated() { loss -= Double(logProbabilities.storage[row * classes + label]) }
        let mean = Tensor(Float(loss / Double(Swift.max(batch, 1))))
        return recording(mean, inputs: [logits]) { gradient in
            // d/dlogits = (softmax − onehot) / batch
            let scale = gradient.storage[0] / Float(Swift.max(batch, 1))
            var result = logProbabilities.storage
            for index in result.indices { result[index] = Math.exp(result[index]) * scale }
            for (row, label) in labels.enumerated() { result[row * classes + label] -= scale }
            return [Tensor(uncheckedShape: logits.shape, storage: result)]
        }
    }

    /// Binary cross-entropy between `logits` and 0/1 `targets` of the same shape, averaged
    /// (PyTorch's `binary_cross_entropy_with_logits`), as max(x, 0) − x·y + log(1 + e^−|x|).
    public static func binaryCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
        shapePrecondition(logits.shape == targets.shape, "binaryCrossEntropy", logits.shape, targets.shape)
        let count = Float(Swift.max(logits.count, 1))
        let perElement = logits.zipValues(targets) { x, y in
            Swift.max(x, 0) - x * y + Math.log(1 + Math.exp(-Swift.abs(x)))
        }
        let (x, y) = (logits.detached(), targets.detached())
        return recording(perElement.sum().detached() / count, inputs: [logits]) { gradient in
            let scale = gradient.storage[0] / count
            return [x.zipValues(y) { (stableSigmoid($0) - $1) * scale }]
        }
    }

    /// Softmax or log-softmax values over `axis`, without a graph.
    private func softmaxValues(axis: Int, logarithm: Bool) -> Tensor {
        let (outer, length, inner) = Tensor.split(shape, at: axis)
        let result = storage.withUnsafeBufferPointer { input in
            makeStorage(count: input.count) { out in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * length * inner + i
                        var maximum = -Float.infinity
                        for k in 0..<length { maximum = Swift.max(maximum, input[base + k * inner]) }
                        var total: Float = 0
                        for k in 0..<length {
                            let shifted = input[base + k * inner] - maximum
                            out[base + k * inner] = shifted
                            total += Math.exp(shifted)
                        }
                        if logarithm {
                            let logTotal = Math.log(total)
                            for k in 0..<length { out[base + k * inner] -= logTotal }
                        } else {
                            for k in 0..<length { out[base + k * inner] = Math.exp(out[base + k * inner]) / total }
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: shape, storage: result)
    }

    /// Sums over `axis` keeping it with size 1, without a graph.
    private func sumKeptValues(axis: Int) -> Tensor {
        withNoGrad { sum(axis: axis, keepDims: true) }
    }
}
