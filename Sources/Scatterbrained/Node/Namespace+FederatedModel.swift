extension Namespace {
    /// Trains a model of any kind (see ``FederatedModel``) for `rounds` rounds of its own training,
    /// exchanging its parameters with the peers as `exchange` says: after every round by default, or
    /// after every `k` rounds with an interval of `k` (epochs and steps alike count rounds here).
    ///
    /// The namespace's own model is not involved: it is neither trained nor changed, and the call
    /// publishes nothing for joiners to download.
    ///
    /// ```swift
    /// let report = try await ns.train(rounds: 20, model: myModel, exchange: .synchronous(timeout: .seconds(5)))
    /// ```
    ///
    /// - Parameters:
    ///   - rounds: How many times to call ``FederatedModel/trainRound()``.
    ///   - model: The model; it runs on the caller's executor, so it need not be `Sendable`.
    ///   - exchange: How and when to combine parameters with the peers; asynchronous by default.
    /// - Returns: One entry per round (`epoch` is the round, `validation` nil, `modelVersion` the
    ///   namespace's unchanged version), with the peers merged; bytes and time.
    /// - Throws: ``NodeError/invalidModel(_:)`` when the parameters break a protocol limit (too many,
    ///   names too long), what the model throws, ``NodeError/noAuthorityInReach(namespace:waited:)`` in
    ///   central mode, a ``ParameterMismatch`` when the aggregate does not fit, or `CancellationError`.
    @discardableResult
    public nonisolated(nonsending) func train(
        rounds: Int, model: some FederatedModel, exchange: Exchange = .asynchronous()
    ) async throws -> TrainingReport {
        let meter = startMeter()
        // Checked once here: a model whose parameters cannot travel would otherwise never reach a peer.
        do {
            _ = try WireTensor.encode(model.federatedParameters(), as: .float32)
        } catch {
            throw NodeError.invalidModel("its parameters cannot be sent: \(error)")
        }
        var (session, globalModel) = try await startExchange(exchange)
        do {
            let reports = try await trainRounds(
                rounds, model: model, exchange: exchange, session: &session, start: globalModel)
            await endExchange(session)
            await runtime.courier?.waitUntilDelivered()
            return TrainingReport(epochs: reports, measuredBy: meter)
        } catch {
            await endExchange(session)
            throw error
        }
    }

    /// The rounds of ``train(rounds:model:exchange:)``.
    private nonisolated(nonsending) func trainRounds(
        _ rounds: Int, model: some FederatedModel, exchange: Exchange, session: inout ExchangeSession,
        start: ModelParameters?
    ) async throws -> [EpochReport] {
        if let start { try model.loadFederatedParameters(start.stateDict) }
        let interval =
            switch exchange.interval {
            case .epochs(let count), .steps(let count): count
            }
        var reports: [EpochReport] = []
        for round in stride(from: 1, through: rounds, by: 1) {
            try Task.checkCancellation()
            let training = try await model.trainRound()
            var mergedWith: [NodeID] = []
            if round % interval == 0 || round == rounds {
                let parameters = ModelParameters(stateDict: model.federatedParameters())
                let outcome: ExchangeOutcome
                (session, outcome) = try await exchangePoint(
                    session, parameters: parameters, sampleCount: training.sampleCount)
                if let installed = outcome.installed {
                    try model.loadFederatedParameters(installed.parameters.stateDict)
                    mergedWith = outcome.contributors
                }
            }
            let report = EpochReport(
                epoch: round, trainingLoss: training.loss ?? .nan, validation: nil, modelVersion: version,
                mergedWith: mergedWith)
            reports.append(report)
            board.emit(.epochFinished(report))
        }
        return reports
    }

    /// ``exchangePoint(_:parameters:sampleCount:)`` for callers outside the namespace's isolation.
    private func exchangePoint(_ session: ExchangeSession, parameters: ModelParameters, sampleCount: Int)
        async throws -> (ExchangeSession, ExchangeOutcome)
    {
        var session = session
        let outcome = try await exchangePoint(&session, parameters: parameters, sampleCount: sampleCount)
        return (session, outcome)
    }
}
