import Foundation
import SBTensor

/// The Adam update and state shared by ``Adam`` and ``AdamW``, which differ only in how weight
/// decay enters (PyTorch's `_single_tensor_adam`, where AdamW is Adam with decoupled decay).
///
/// For a parameter `p` with gradient `g` at step `t` (counted per parameter):
///
/// ```
/// p = p · (1 − lr · weightDecay)                       decoupled decay (AdamW)
/// g = g + weightDecay · p                              L2 decay (Adam)
/// m = m + (1 − β₁) · (g − m)
/// v = β₂ · v + (1 − β₂) · g²
/// v̂ = max(v̂, v)                                       AMSGrad only; v̂ replaces v below
/// p = p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
struct AdamAlgorithm {
    /// How weight decay enters the update.
    enum WeightDecayMode {
        /// Added to the gradient as an L2 penalty, so it is rescaled by the adaptive step (Adam).
        case l2
        /// Applied to the parameter directly, independent of the gradient's scale (AdamW).
        case decoupled

        /// The optimizer type named in saved state.
        var kind: String {
            switch self {
            case .l2: "Adam"
            case .decoupled: "AdamW"
            }
        }
    }

    struct Hyperparameters {
        var learningRate: Float
        var beta1: Float
        var beta2: Float
        var epsilon: Float
        var weightDecay: Float
        var amsgrad: Bool

        /// Why the values are unusable (PyTorch's checks), or nil if they are fine.
        var invalidReason: String? {
            if !(learningRate >= 0) { return "learning rate must not be negative, got \(learningRate)" }
            if !(epsilon >= 0) { return "epsilon must not be negative, got \(epsilon)" }
            if !(beta1 >= 0 && beta1 < 1) { return "beta1 must be in [0, 1), got \(beta1)" }
            if !(beta2 >= 0 && beta2 < 1) { return "beta2 must be in [0, 1), got \(beta2)" }
            if !(weightDecay >= 0) { return "weight decay must not be negative, got \(weightDecay)" }
            return nil
        }
    }

    /// One parameter's running moments, created at its first step.
    private struct Moments {
        var step = 0
        var expAvg: [Float]
        var expAvgSq: [Float]
        /// The running maximum of `expAvgSq` (AMSGrad); empty otherwise.
        var maxExpAvgSq: [Float]

        init(count: Int, amsgrad: Bool) {
            expAvg = Array(repeating: 0, count: count)
            expAvgSq = expAvg
            maxExpAvgSq = amsgrad ? expAvg : []
        }

        init(step: Int, expAvg: [Float], expAvgSq: [Float], maxExpAvgSq: [Float]) {
            (self.step, self.expAvg, self.expAvgSq, self.maxExpAvgSq) = (step, expAvg, expAvgSq, maxExpAvgSq)
        }
    }

    let parameters: [Parameter]
    let weightDecayMode: WeightDecayMode
    var hyperparameters: Hyperparameters
    private var moments: [Moments?]

    /// - Precondition: the hyperparameters pass ``Hyperparameters/invalidReason``.
    init(parameters: [Parameter], weightDecayMode: WeightDecayMode, hyperparameters: Hyperparameters) {
        if let reason = hyperparameters.invalidReason { fatalError("\(weightDecayMode.kind): \(reason)") }
        self.parameters = parameters
        self.weightDecayMode = weightDecayMode
        self.hyperparameters = hyperparameters
        moments = Array(repeating: nil, count: parameters.count)
    }

    mutating func step() {
        let settings = hyperparameters
        let decoupled = weightDecayMode == .decoupled && settings.weightDecay != 0
        let l2 = weightDecayMode == .l2 && settings.weightDecay != 0
        // As in PyTorch, the decay factor is rounded to Float once, not after each operation.
        let decayFactor = Float(1 - Double(settings.learningRate) * Double(settings.weightDecay))
        let (beta2, epsilon, weightDecay, amsgrad) =
            (settings.beta2, settings.epsilon, settings.weightDecay, settings.amsgrad)
        let (oneMinusBeta1, oneMinusBeta2) = (1 - settings.beta1, 1 - settings.beta2)
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            // Taking the moments out of the array keeps their buffers uniquely referenced, so they
            // are updated in place rather than copied.
            var state = moments[index] ?? Moments(count: grad.count, amsgrad: amsgrad)
            moments[index] = nil
            state.step += 1
            // PyTorch computes the bias corrections in double precision.
            let biasCorrection1 = 1 - pow(Double(settings.beta1), Double(state.step))
            let biasCorrection2 = 1 - pow(Double(settings.beta2), Double(state.step))
            let stepSize = Float(Double(settings.learningRate) / biasCorrection1)
            let biasCorrection2Root = Float(biasCorrection2.squareRoot())
            grad.withUnsafeBufferPointer { gradient in
                parameter.update { values in
                    require(gradient.count == values.count, "Adam: gradient and parameter sizes differ")
                    state.expAvg.withUnsafeMutableBufferPointer { expAvg in
                        state.expAvgSq.withUnsafeMutableBufferPointer { expAvgSq in
                            state.maxExpAvgSq.withUnsafeMutableBufferPointer { maxExpAvgSq in
                                for offset in stride(from: 0, to: values.count, by: UpdateChunk.scalarCount) {
                                    var value = values.chunk(at: offset)
                                    if decoupled { value *= decayFactor }
                                    var g = gradient.chunk(at: offset)
                                    if l2 { g += weightDecay * value }
                                    var m = expAvg.chunk(at: offset)
                                    m += oneMinusBeta1 * (g - m)
                                    expAvg.setChunk(m, at: offset)
                                    var v = expAvgSq.chunk(at: offset) * beta2 + oneMinusBeta2 * g * g
                                    expAvgSq.setChunk(v, at: offset)
                                    if amsgrad {
                                        let maximum = maxExpAvgSq.chunk(at: offset)
                                        v.replace(with: maximum, where: maximum .> v)
                                        maxExpAvgSq.setChunk(v, at: offset)
                                    }
                                    let denominator = v.squareRoot() / biasCorrection2Root + epsilon
                                    value -= stepSize * (m / denominator)
                                    values.setChunk(value, at: offset)
                                }
                            }
                        }
                    }
                }
            }
            moments[index] = state
        }
    }

    func stateDict() -> OptimizerState {
        var tensors: [String: Tensor] = [:]
        var steps: [String: Int] = [:]
        for (index, state) in moments.enumerated() {
            guard let state else { continue }
            let shape = parameters[index].shape
            steps[OptimizerState.key(index, "step")] = state.step
            tensors[OptimizerState.key(index, "exp_avg")] = OptimizerState.tensor(state.expAvg, shape: shape)
            tensors[OptimizerState.key(index, "exp_avg_sq")] = OptimizerState.tensor(state.expAvgSq, shape: shape)
            if hyperparameters.amsgrad {
                tensors[OptimizerState.key(index, "max_exp_avg_sq")] =
                    OptimizerState.tensor(state.maxExpAvgSq, shape: shape)
            }
        }
        let settings = hyperparameters
        return OptimizerState(
            kind: weightDecayMode.kind, parameterShapes: parameters.map(\.shape),
            hyperparameters: [
                "lr": .double(Double(settings.learningRate)), "beta1": .double(Double(settings.beta1)),
                "beta2": .double(Double(settings.beta2)), "eps": .double(Double(settings.epsilon)),
                "weight_decay": .double(Double(settings.weightDecay)), "amsgrad": .bool(settings.amsgrad),
            ],
            tensors: tensors, steps: steps)
    }

    mutating func load(_ state: OptimizerState) throws(OptimizerError) {
        var reader = try OptimizerStateReader(state, kind: weightDecayMode.kind, parameters: parameters)
        let settings = Hyperparameters(
            learningRate: try reader.float("lr"), beta1: try reader.float("beta1"), beta2: try reader.float("beta2"),
            epsilon: try reader.float("eps"), weightDecay: try reader.float("weight_decay"),
            amsgrad: try reader.bool("amsgrad"))
        if let reason = settings.invalidReason { throw .invalidHyperparameters(reason) }
        var loaded: [Moments?] = []
        for index in parameters.indices {
            // A parameter without a step count has never been updated; any buffers it has are left
            // unread and reported as unexpected.
            guard let step = try reader.step(of: index) else {
                loaded.append(nil)
                continue
            }
            loaded.append(
                Moments(
                    step: step, expAvg: try reader.requiredBuffer("exp_avg", of: index),
                    expAvgSq: try reader.requiredBuffer("exp_avg_sq", of: index),
                    maxExpAvgSq: settings.amsgrad ? try reader.requiredBuffer("max_exp_avg_sq", of: index) : []))
        }
        try reader.finish()
        hyperparameters = settings
        moments = loaded
    }

    mutating func reset() {
        moments = Array(repeating: nil, count: parameters.count)
    }
}
