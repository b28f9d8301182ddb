/// Adam with L2 weight decay (PyTorch's `torch.optim.Adam`).
///
/// Weight decay is added to the gradient (`g + weightDecay · p`) before the moments are updated,
/// so the adaptive step rescales it; ``AdamW`` applies it to the weights directly instead, which
/// is usually what you want. The update and its bias corrections are PyTorch's:
///
/// ```
/// g = g + weightDecay · p
/// m = β₁ · m + (1 − β₁) · g,   v = β₂ · v + (1 − β₂) · g²
/// p = p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// ```swift
/// let optimizer = Adam(model.parameters, learningRate: 1e-3)
/// ```
///
/// Its state is, per parameter, `step`, `exp_avg`, `exp_avg_sq` and, with AMSGrad, `max_exp_avg_sq`.
///
/// ``AdamW`` is a subclass that differs only in how it applies weight decay, as in PyTorch.
public class Adam: Optimizer {
    private var algorithm: AdamAlgorithm

    /// Creates an optimizer over `parameters` with PyTorch's defaults.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update, usually `model.parameters`.
    ///   - learningRate: the step size (PyTorch's `lr`).
    ///   - betas: the decay rates of the running averages of the gradient and its square.
    ///   - epsilon: added to the denominator for numerical stability (PyTorch's `eps`).
    ///   - weightDecay: the L2 penalty added to the gradient.
    ///   - amsgrad: whether to divide by the largest second moment seen so far (AMSGrad).
    /// - Precondition: the learning rate, epsilon and weight decay are not negative and both betas
    ///   are in [0, 1).
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
    ) {
        self.init(
            parameters, learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
            amsgrad: amsgrad, weightDecayMode: .l2)
    }

    init(
        _ parameters: [Parameter], learningRate: Float, betas: (Float, Float), epsilon: Float, weightDecay: Float,
        amsgrad: Bool, weightDecayMode: AdamAlgorithm.WeightDecayMode
    ) {
        algorithm = AdamAlgorithm(
            parameters: parameters, weightDecayMode: weightDecayMode,
            hyperparameters: .init(
                learningRate: learningRate, beta1: betas.0, beta2: betas.1, epsilon: epsilon,
                weightDecay: weightDecay, amsgrad: amsgrad))
    }

    public var parameters: [Parameter] { algorithm.parameters }

    public var learningRate: Float {
        get { algorithm.hyperparameters.learningRate }
        set { algorithm.hyperparameters.learningRate = newValue }
    }

    /// The decay rates of the running averages of the gradient and its square.
    public var betas: (Float, Float) { (algorithm.hyperparameters.beta1, algorithm.hyperparameters.beta2) }
    /// The term added to the denominator for numerical stability.
    public var epsilon: Float { algorithm.hyperparameters.epsilon }
    /// The weight decay coefficient.
    public var weightDecay: Float { algorithm.hyperparameters.weightDecay }
    /// Whether AMSGrad is on.
    public var amsgrad: Bool { algorithm.hyperparameters.amsgrad }

    public func step() { algorithm.step() }

    public func stateDict() -> OptimizerState { algorithm.stateDict() }

    public func loadStateDict(_ state: OptimizerState) throws(OptimizerError) { try algorithm.load(state) }

    public func resetState() { algorithm.reset() }
}
