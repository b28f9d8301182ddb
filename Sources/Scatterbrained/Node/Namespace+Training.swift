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

/// What ``Namespace/train(epochs:train:validation:loss:exchange:)`` did.
public struct TrainingReport: Sendable, Equatable {
    /// One report per epoch, in order.
    public var epochs: [EpochReport]
    /// The wall-clock time of the whole call.
    public var duration: Duration
    /// Bytes the node's transport sent during the call (models pushed and served, control messages).
    public var bytesSent: Int
    /// Bytes the node's transport received during the call.
    public var bytesReceived: Int
    /// What became of the models the call pushed to peers.
    public var pushes: PushStatistics
}

extension TrainingReport {
    /// The report of a call whose `meter` was started with it.
    init(epochs: [EpochReport], measuredBy meter: CallMeter) {
        let traffic = meter.trafficSinceStart
        self.init(
            epochs: epochs, duration: meter.elapsed, bytesSent: traffic.sent, bytesReceived: traffic.received,
            pushes: meter.pushesSinceStart)
    }
}

extension Namespace {
    /// Trains the namespace's model for `epochs` passes over `train`, combining it with the peers' models
    /// as `exchange` says, and publishing the weights after every epoch so that peers downloading
    /// meanwhile get the latest ones.
    ///
    /// By default every epoch ends with an asynchronous exchange: the node sends its model to its
    /// neighbours and merges the newer models they sent, without waiting for anyone (see ``Exchange``
    /// for synchronous rounds, a central authority, other topologies and intervals, or `.local`).
    ///
    /// The node keeps answering peers while it trains. Training runs in the namespace's own isolation on
    /// its own module and optimizer (made by the namespace's optimizer factory, and kept across calls).
    ///
    /// ```swift
    /// let report = try await ns.train(epochs: 10, train: trainLoader, validation: validLoader)
    /// for epoch in report.epochs { print(epoch.epoch, epoch.trainingLoss, epoch.mergedWith.count) }
    /// ```
    ///
    /// - Parameters:
    ///   - epochs: Passes over the training data.
    ///   - train: The training batches.
    ///   - validation: Evaluated after every epoch when given.
    ///   - loss: Mean squared error by default; `crossEntropyLoss` for classifiers.
    ///   - exchange: How and when to combine models with the peers; asynchronous after every epoch by
    ///     default.
    /// - Returns: Per-epoch training loss, validation results and peers merged; bytes and time.
    /// - Throws: ``NodeError/noModel(_:)`` in a joined namespace before ``syncModel(timeout:)``,
    ///   ``NodeError/noAuthorityInReach(namespace:waited:)`` in central mode, ``DataError`` or
    ///   ``ModuleError`` for data that does not fit the model, or `CancellationError`.
    @discardableResult
    public func train(
        epochs: Int, train: DataLoader, validation: DataLoader? = nil, loss: LossFunction = mseLoss,
        exchange: Exchange = .asynchronous()
    ) async throws -> TrainingReport {
        let meter = startMeter()
        let (module, optimizer) = try trainingModule()
        try train.validate()
        try validation?.validate()
        var (session, globalModel) = try await startExchange(exchange)
        defer { endExchange(session) }
        if let globalModel { try install(globalModel, into: module, optimizer: optimizer) }
        var reports: [EpochReport] = []
        var stepsSinceExchange = 0
        var epochsSinceExchange = 0
        for epoch in stride(from: 1, through: epochs, by: 1) {
            try Task.checkCancellation()
            module.train()
            var mergedWith: [NodeID] = []
            var totalLoss: Double = 0
            var samples = 0
            for (features, targets) in train {
                let batchLoss = try module.trainStep(features, targets, optimizer: optimizer, loss: loss)
                let batch = features.shape.first ?? 0
                totalLoss += Double(batchLoss) * Double(batch)
                samples += batch
                stepsSinceExchange += 1
                if case .steps(let interval) = exchange.interval, stepsSinceExchange == interval {
                    mergedWith += try await exchangeWeights(
                        &session, module, optimizer: optimizer, sampleCount: train.datasetCount)
                    stepsSinceExchange = 0
                }
            }
            epochsSinceExchange += 1
            let exchangesNow =
                switch exchange.interval {
                case .epochs(let interval): epochsSinceExchange == interval || (epoch == epochs)
                case .steps: epoch == epochs && stepsSinceExchange > 0
                }
            if exchangesNow {
                mergedWith += try await exchangeWeights(
                    &session, module, optimizer: optimizer, sampleCount: train.datasetCount)
                stepsSinceExchange = 0
                epochsSinceExchange = 0
            }
            let report = try finishEpoch(
                epoch, module: module, trainingLoss: Float(totalLoss / Double(max(samples, 1))),
                validation: validation, loss: loss, sampleCount: train.datasetCount, mergedWith: mergedWith)
            reports.append(report)
            // Lets the serving tasks and other work in this process run between epochs.
            await Task.yield()
        }
        // The last models pushed reach the peers before the call returns, in case the namespace closes next.
        await runtime.courier?.waitUntilDelivered()
        return TrainingReport(epochs: reports, measuredBy: meter)
    }

    /// One exchange point for `module`: its weights go out, the aggregate comes in.
    ///
    /// - Returns: The other nodes whose models the module now holds.
    private func exchangeWeights(
        _ session: inout ExchangeSession, _ module: Module, optimizer: any Optimizer, sampleCount: Int
    ) async throws -> [NodeID] {
        let outcome = try await exchangePoint(
            &session, parameters: wireOrderedParameters(of: module), sampleCount: sampleCount)
        guard let installed = outcome.installed else { return [] }
        try install(installed.parameters, into: module, optimizer: optimizer)
        return outcome.contributors
    }

    /// Loads weights the federation handed over, and tells an optimizer that anchors on them.
    private func install(_ parameters: ModelParameters, into module: Module, optimizer: any Optimizer) throws {
        try parameters.load(into: module)
        (optimizer as? any GlobalWeightsAnchored)?.anchorToCurrentWeights()
    }

    /// Evaluates and publishes the epoch's model, and reports the epoch.
    private func finishEpoch(
        _ epoch: Int, module: Module, trainingLoss: Float, validation: DataLoader?, loss: LossFunction,
        sampleCount: Int, mergedWith: [NodeID]
    ) throws -> EpochReport {
        let evaluation = try validation.map { try module.evaluate($0, loss: loss) }
        let published = try PublishedModel(
            ModelSnapshot(module), version: version + 1, sampleCount: UInt64(max(sampleCount, 0)))
        board.publish(published)
        var seen: Set<NodeID> = []
        let report = EpochReport(
            epoch: epoch, trainingLoss: trainingLoss, validation: evaluation, modelVersion: published.version,
            mergedWith: mergedWith.filter { seen.insert($0).inserted })
        board.emit(.epochFinished(report))
        return report
    }
}
