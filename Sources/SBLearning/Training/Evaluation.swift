import SBTensor

/// A model's loss, and accuracy where it applies, over a data set.
public struct Evaluation: Sendable, Equatable {
    /// The sample-weighted mean loss.
    public var loss: Float
    /// The fraction of samples classified correctly, for classifiers (outputs `[n, classes]` with
    /// class-index targets `[n]`); nil for regression.
    public var accuracy: Float?
    /// The number of samples evaluated.
    public var sampleCount: Int

    public init(loss: Float, accuracy: Float?, sampleCount: Int) {
        self.loss = loss
        self.accuracy = accuracy
        self.sampleCount = sampleCount
    }
}

extension Module {
    /// Evaluates the model on every batch of `loader` in evaluation mode, without recording
    /// gradients, and restores the previous mode afterwards.
    ///
    /// - Parameter loss: the loss to report; mean squared error by default.
    /// - Throws: ``DataError`` for an invalid loader, ``ModuleError`` for inputs of the wrong shape.
    public func evaluate(_ loader: DataLoader, loss: LossFunction = mseLoss) throws -> Evaluation {
        try loader.validate()
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return try withNoGrad {
            var totalLoss: Double = 0
            var correct = 0
            var samples = 0
            var isClassification = true
            for (features, targets) in loader {
                let output = try forward(features)
                let batch = features.shape.first ?? 0
                totalLoss += Double(loss(output, targets).item) * Double(batch)
                samples += batch
                if isClassification, output.rank == 2, output.shape[1] > 1, targets.rank == 1 {
                    correct += Int((output.argmax(axis: 1) .== targets).sum().item)
                } else {
                    isClassification = false
                }
            }
            let count = Swift.max(samples, 1)
            return Evaluation(
                loss: Float(totalLoss / Double(count)),
                accuracy: isClassification && samples > 0 ? Float(correct) / Float(count) : nil,
                sampleCount: samples)
        }
    }
}
