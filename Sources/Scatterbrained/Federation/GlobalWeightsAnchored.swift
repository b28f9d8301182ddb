import SBLearning

/// An optimizer whose update depends on the weights the federation last handed the node, such as
/// FedProx's proximal term.
///
/// ``Namespace/train(epochs:train:validation:loss:exchange:)`` calls ``anchorToCurrentWeights()``
/// whenever it has replaced the module's weights with an aggregate or a global model, so an optimizer
/// factory returning one needs no more wiring:
///
/// ```swift
/// try await node.namespace("Digits", model: model, optimizer: { FedProxOptimizer(wrapping: SGD($0.parameters), mu: 0.01) }) { ns in
///     try await ns.train(epochs: 20, train: loader, exchange: .synchronous())
/// }
/// ```
public protocol GlobalWeightsAnchored: Optimizer {
    /// Takes the parameters' current values as the weights the federation handed the node.
    func anchorToCurrentWeights()
}

extension FedProxOptimizer: GlobalWeightsAnchored {}
