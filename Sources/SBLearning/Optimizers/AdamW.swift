/// Adam with decoupled weight decay (PyTorch's `torch.optim.AdamW`).
///
/// Before each Adam update the weights shrink by `1 − learningRate · weightDecay`, independent of
/// the gradient's scale (Loshchilov and Hutter), unlike ``Adam``'s L2 penalty. The update and its
/// bias corrections are PyTorch's:
///
/// ```
/// p = p · (1 − lr · weightDecay)
/// m = β₁ · m + (1 − β₁) · g,   v = β₂ · v + (1 − β₂) · g²
/// p = p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// ```swift
/// let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters) }
/// let optimizer = AdamW(model.parameters, learningRate: 0.5, weightDecay: 0)
/// ```
///
/// Its state is, per parameter, `step`, `exp_avg`, `exp_avg_sq` and, with AMSGrad, `max_exp_avg_sq`.
public final class AdamW: Adam {
    /// Creates an optimizer over `parameters` with PyTorch's defaults.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update, usually `model.parameters`.
    ///   - learningRate: the step size (PyTorch's `lr`).
    ///   - betas: the decay rates of the running averages of the gradient and its square.
    ///   - epsilon: added to the denominator for numerical stability (PyTorch's `eps`).
    ///   - weightDecay: the decoupled decay rate; the weights shrink by `learningRate · weightDecay` per step.
    ///   - amsgrad: whether to divide by the largest second moment seen so far (AMSGrad).
    /// - Precondition: the learning rate, epsilon and weight decay are not negative and both betas
    ///   are in [0, 1).
    public init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 1e-2, amsgrad: Bool = false
    ) {
        super.init(
            parameters, learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
            amsgrad: amsgrad, weightDecayMode: .decoupled)
    }
}
