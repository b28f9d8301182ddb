/// What one epoch of ``Namespace/train(epochs:train:validation:loss:)`` measured.
public struct EpochReport: Sendable, Equatable {
    /// The epoch number within the call, from 1.
    public var epoch: Int
    /// The sample-weighted mean training loss over the epoch's batches.
    public var trainingLoss: Float
    /// Loss, and accuracy for classifiers, on the validation set after the epoch, when one was given.
    public var validation: Evaluation?
    /// The model version the epoch published.
    public var modelVersion: UInt64
    /// The peers whose models were aggregated into this epoch's model; empty for local training.
    public var mergedWith: [NodeID]
}

/// What ``Namespace/train(epochs:train:validation:loss:)`` did.
public struct TrainingReport: Sendable, Equatable {
    /// One report per epoch, in order.
    public var epochs: [EpochReport]
    /// The wall-clock time of the whole call.
    public var duration: Duration
}

extension Namespace {
    /// Trains the namespace's model for `epochs` passes over `train`, publishing the weights after every
    /// epoch so that peers downloading meanwhile get the latest ones.
    ///
    /// Without `exchange` the training is local. With it, every epoch ends with a round of the exchange:
    /// the node sends its model to its neighbours, waits for theirs up to the round's timeout, and
    /// continues from the aggregate (see ``Exchange``).
    ///
    /// The node keeps answering peers while it trains. Training runs in the namespace's own isolation on
    /// its own module and optimizer (made by the namespace's optimizer factory, and kept across calls).
    ///
    /// ```swift
    /// let report = try await ns.train(epochs: 10, train: trainLoader, validation: validLoader)
    /// for epoch in report.epochs { print(epoch.epoch, epoch.trainingLoss, epoch.validation?.loss ?? .nan) }
    /// ```
    ///
    /// - Parameters:
    ///   - epochs: Passes over the training data.
    ///   - train: The training batches.
    ///   - validation: Evaluated after every epoch when given.
    ///   - loss: Mean squared error by default; `crossEntropyLoss` for classifiers.
    ///   - exchange: How to combine models with the peers after every epoch; nil trains locally.
    /// - Returns: Per-epoch training loss and validation results.
    /// - Throws: ``NodeError/noModel(_:)`` in a joined namespace before ``syncModel(timeout:)``,
    ///   ``DataError`` or ``ModuleError`` for data that does not fit the model, or `CancellationError`
    ///   between epochs.
    @discardableResult
    public func train(
        epochs: Int, train: DataLoader, validation: DataLoader? = nil, loss: LossFunction = mseLoss,
        exchange: Exchange? = nil
    ) async throws -> TrainingReport {
        let start = ContinuousClock.now
        let (module, optimizer) = try trainingModule()
        try validation?.validate()
        var reports: [EpochReport] = []
        for epoch in stride(from: 1, through: epochs, by: 1) {
            try Task.checkCancellation()
            let trainingLoss = try module.trainEpoch(train, optimizer: optimizer, loss: loss)
            var mergedWith: [NodeID] = []
            if let exchange {
                mergedWith = try await exchangeRound(module, sampleCount: train.datasetCount, exchange: exchange)
            }
            let evaluation = try validation.map { try module.evaluate($0, loss: loss) }
            let previous = board.model
            let published = try PublishedModel(
                ModelSnapshot(module), version: (previous?.version ?? 0) + 1,
                sampleCount: UInt64(max(train.datasetCount, 0)))
            board.publish(published)
            let report = EpochReport(
                epoch: epoch, trainingLoss: trainingLoss, validation: evaluation, modelVersion: published.version,
                mergedWith: mergedWith)
            reports.append(report)
            board.emit(.epochFinished(report))
            // Lets the serving tasks and other work in this process run between epochs.
            await Task.yield()
        }
        return TrainingReport(epochs: reports, duration: .now - start)
    }
}
