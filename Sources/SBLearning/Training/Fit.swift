import SBTensor

/// What one epoch of ``Module/fit(epochs:train:validation:optimizer:loss:schedule:)`` measured.
public struct EpochRecord: Sendable, Equatable {
    /// The epoch number, from 1.
    public var epoch: Int
    /// The mean training loss over the epoch's batches (sample-weighted).
    public var trainingLoss: Float
    /// Loss and accuracy on the validation set after the epoch, when one was given.
    public var validation: Evaluation?
}

extension Module {
    /// One optimization step on one batch: zero the gradients, run the forward pass, back-propagate the
    /// loss and step the optimizer.
    ///
    /// Like a PyTorch training step it leaves the mode alone: call ``train(_:)`` first, as
    /// ``trainEpoch(_:optimizer:loss:)`` does, so that layers such as ``Dropout`` act as in training.
    ///
    /// ```swift
    /// model.train()
    /// for (features, targets) in loader {
    ///     let loss = try model.trainStep(features, targets, optimizer: optimizer, loss: crossEntropyLoss)
    /// }
    /// ```
    ///
    /// - Returns: the batch's mean loss before the step.
    /// - Throws: ``ModuleError`` for inputs of the wrong shape.
    @discardableResult
    public func trainStep(_ features: Tensor, _ targets: Tensor, optimizer: any Optimizer, loss: LossFunction = mseLoss)
        throws -> Float
    {
        optimizer.zeroGrad()
        let batchLoss = loss(try forward(features), targets)
        batchLoss.backward()
        optimizer.step()
        return batchLoss.item
    }

    /// Trains for one pass over `loader`, one ``trainStep(_:_:optimizer:loss:)`` per batch.
    ///
    /// - Returns: the sample-weighted mean training loss of the pass.
    /// - Throws: ``DataError`` for an invalid loader, ``ModuleError`` for inputs of the wrong shape.
    public func trainEpoch(_ loader: DataLoader, optimizer: any Optimizer, loss: LossFunction = mseLoss) throws -> Float
    {
        try loader.validate()
        train()
        var totalLoss: Double = 0
        var samples = 0
        for (features, targets) in loader {
            let batchLoss = try trainStep(features, targets, optimizer: optimizer, loss: loss)
            let batch = features.shape.first ?? 0
            totalLoss += Double(batchLoss) * Double(batch)
            samples += batch
        }
        return Float(totalLoss / Double(Swift.max(samples, 1)))
    }

    /// Trains the model locally, the way a PyTorch training loop does, and records every epoch.
    ///
    /// ```swift
    /// let model = Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
    /// let history = try model.fit(
    ///     epochs: 20, train: trainLoader, validation: validLoader,
    ///     optimizer: SGD(model.parameters, learningRate: 0.05, momentum: 0.9), loss: crossEntropyLoss)
    /// print(history.last!.validation!.accuracy!)
    /// ```
    ///
    /// - Parameters:
    ///   - epochs: passes over the training data.
    ///   - train: the training batches.
    ///   - validation: evaluated after every epoch when given.
    ///   - optimizer: updates the model's parameters.
    ///   - loss: mean squared error by default; `crossEntropyLoss` for classifiers.
    ///   - schedule: sets the optimizer's learning rate after every epoch when given, e.g.
    ///     `CosineAnnealingLR(maxEpochs: 20)`.
    /// - Returns: one record per epoch.
    /// - Throws: ``DataError`` for an invalid loader, ``ModuleError`` for inputs of the wrong shape.
    @discardableResult
    public func fit(
        epochs: Int, train: DataLoader, validation: DataLoader? = nil, optimizer: any Optimizer,
        loss: LossFunction = mseLoss, schedule: (any LearningRateSchedule)? = nil
    ) throws -> [EpochRecord] {
        try validation?.validate()
        let scheduler = schedule.map { LearningRateScheduler(optimizer, schedule: $0) }
        var history: [EpochRecord] = []
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let trainingLoss = try trainEpoch(train, optimizer: optimizer, loss: loss)
            scheduler?.step()
            let validationResult = try validation.map { try evaluate($0, loss: loss) }
            history.append(EpochRecord(epoch: epoch, trainingLoss: trainingLoss, validation: validationResult))
        }
        return history
    }
}
