import SBLearning
import SBTensor

/// FedProx's local side (Li et al., 2020): an optimizer that adds the gradient of the proximal
/// term `μ/2 · ‖w − w_global‖²` before every step of the optimizer it wraps.
///
/// The term keeps a node's local training close to the global weights it started the round from,
/// which steadies federations whose nodes hold very different data. It is applied as
/// `grad += μ · (w − w_global)` to every parameter, the exact gradient of the term, so it works
/// unchanged with `Module.trainEpoch` and `fit` and with any optimizer. The anchor `w_global` is
/// the parameters' values when the wrapper is created; after loading new global weights, call
/// ``anchorToCurrentWeights()`` (``Namespace``'s `train` does so after every exchange).
///
/// ```swift
/// try global.parameters.load(into: model)
/// let optimizer = FedProxOptimizer(wrapping: SGD(model.parameters, learningRate: 0.05), mu: 0.01)
/// let loss = try model.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss)
/// ```
public final class FedProxOptimizer: Optimizer {
    /// The optimizer that takes the steps.
    public let base: any Optimizer
    /// The strength `μ` of the pull towards the anchor; 0 turns FedProx into the base optimizer.
    public let mu: Float
    private var anchor: [Tensor]

    /// Wraps `base`, anchoring at its parameters' current values.
    ///
    /// - Precondition: `mu` is finite and not negative.
    public init(wrapping base: any Optimizer, mu: Float) {
        guard mu >= 0 && mu.isFinite else {
            fatalError("FedProxOptimizer: mu must be finite and not negative, got \(mu)")
        }
        self.base = base
        self.mu = mu
        anchor = base.parameters.map { $0.value.detached() }
    }

    public var parameters: [Parameter] { base.parameters }

    public var learningRate: Float {
        get { base.learningRate }
        set { base.learningRate = newValue }
    }

    /// Makes the parameters' current values the new anchor: call it after loading global weights.
    public func anchorToCurrentWeights() {
        anchor = base.parameters.map { $0.value.detached() }
    }

    /// Adds `μ · (w − w_global)` to each parameter's gradient, then steps the base optimizer.
    ///
    /// Parameters without a gradient are left alone, as every optimizer leaves them: they took no
    /// part in this step's loss.
    public func step() {
        for (parameter, anchor) in zip(base.parameters, anchor) where parameter.grad != nil {
            // backward(gradient:) on a leaf adds to its accumulated gradient.
            parameter.value.backward(gradient: (parameter.value.detached() - anchor) * mu)
        }
        base.step()
    }

    public func zeroGrad() { base.zeroGrad() }

    public func stateDict() -> OptimizerState { base.stateDict() }

    public func loadStateDict(_ state: OptimizerState) throws(OptimizerError) { try base.loadStateDict(state) }

    public func resetState() { base.resetState() }
}
