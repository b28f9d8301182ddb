/// A model trained by its own code (another framework's, or a hand-written loop) that takes part in a
/// namespace's exchange through its named float parameters.
///
/// The namespace never looks inside the model: it reads the parameters after each round of the model's
/// own training, sends them to the neighbours its ``Exchange`` allows, and loads the aggregate back.
/// Every node of the namespace must name and shape its parameters alike. Such a namespace serves no
/// architecture, so joiners bring the same model type rather than download it.
///
/// ```swift
/// final class MeanEstimator: FederatedModel {
///     var mean: Float = 0
///     let samples: [Float]
///     init(samples: [Float]) { self.samples = samples }
///
///     func federatedParameters() -> [String: Tensor] { ["mean": Tensor([mean])] }
///     func loadFederatedParameters(_ parameters: [String: Tensor]) throws { mean = parameters["mean"]!.scalars[0] }
///     func trainRound() async throws -> LocalTraining {
///         let target = samples.reduce(0, +) / Float(samples.count)
///         mean += 0.5 * (target - mean)
///         return LocalTraining(sampleCount: samples.count, loss: (target - mean) * (target - mean))
///     }
/// }
///
/// try await node.join("Estimates") { ns in
///     try await ns.train(rounds: 10, model: MeanEstimator(samples: mine), exchange: .synchronous())
/// }
/// ```
public protocol FederatedModel: AnyObject {
    /// The parameters to exchange, by name; float32 tensors of any shape.
    func federatedParameters() -> [String: Tensor]

    /// Replaces the parameters with aggregated ones, which have the names and shapes
    /// ``federatedParameters()`` returned.
    ///
    /// - Throws: Whatever the model finds wrong with them; the training call ends with the error.
    func loadFederatedParameters(_ parameters: [String: Tensor]) throws

    /// Trains the model locally for one round (an epoch, some steps: the model decides).
    ///
    /// It runs on the executor of the code that called ``Namespace/train(rounds:model:exchange:)``,
    /// like the rest of the model's use, so the model needs no synchronization of its own.
    ///
    /// - Returns: The samples the round trained on (aggregation weighs models by it) and, optionally,
    ///   the training loss, for the report.
    nonisolated(nonsending) func trainRound() async throws -> LocalTraining
}

/// What one ``FederatedModel/trainRound()`` did.
public struct LocalTraining: Sendable, Equatable {
    /// The training samples behind the model; FedAvg weighs the node's model by it.
    public var sampleCount: Int
    /// The training loss of the round, if the model measures one.
    public var loss: Float?

    /// Creates a result.
    public init(sampleCount: Int, loss: Float? = nil) {
        self.sampleCount = sampleCount
        self.loss = loss
    }
}
