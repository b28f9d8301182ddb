/// Updates a model's parameters from their gradients (PyTorch's `torch.optim.Optimizer`).
///
/// An optimizer holds references to the parameters it updates, so the module that owns them
/// sees every step. A training step reads like PyTorch:
///
/// ```swift
/// let optimizer = SGD(model.parameters, learningRate: 0.05, momentum: 0.9)
/// for (x, y) in loader {
///     optimizer.zeroGrad()
///     let loss = crossEntropyLoss(model(x), y)
///     loss.backward()
///     optimizer.step()
/// }
/// ```
///
/// Besides its hyperparameters an optimizer keeps per-parameter state (momentum buffers, Adam's
/// moments, step counts). ``stateDict()`` and ``loadStateDict(_:)`` save and restore it;
/// ``resetState()`` discards it.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, in the order its state is indexed by.
    var parameters: [Parameter] { get }

    /// The step size; a ``LearningRateScheduler`` changes it between epochs.
    var learningRate: Float { get set }

    /// Applies one update to every parameter that has a gradient.
    ///
    /// A parameter whose gradient is nil (it took no part in the loss since the last
    /// ``zeroGrad()``) is skipped and its state left untouched, as in PyTorch.
    func step()

    /// Clears every parameter's gradient; gradients otherwise accumulate across backward passes.
    func zeroGrad()

    /// A snapshot of the hyperparameters and per-parameter state (PyTorch's `state_dict()`).
    func stateDict() -> OptimizerState

    /// Restores hyperparameters and per-parameter state saved by ``stateDict()``.
    ///
    /// Nothing changes unless the whole state fits: same optimizer type, same number of
    /// parameters with the same shapes, and every entry the hyperparameters call for.
    ///
    /// - Throws: ``OptimizerError`` naming the first mismatch.
    func loadStateDict(_ state: OptimizerState) throws(OptimizerError)

    /// Forgets the per-parameter state (momentum buffers, moments, step counts), keeping the
    /// hyperparameters, so the next step behaves like the first.
    ///
    /// A federated node calls this after it receives new global weights: momentum gathered on
    /// the old local weights would otherwise push the new ones in a stale direction.
    func resetState()
}

extension Optimizer {
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }
}

/// Builds an optimizer over a model's parameters.
///
/// A namespace calls it for every model it trains (including one downloaded from a peer), so
/// the factory, not an optimizer, is what a user hands over:
///
/// ```swift
/// let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters) }
/// ```
public typealias OptimizerFactory = @Sendable (Module) -> any Optimizer
