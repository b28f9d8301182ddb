import SBTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay
/// (PyTorch's `torch.optim.SGD`).
///
/// For a parameter `p` with gradient `g`, one step computes, as PyTorch does:
///
/// ```
/// d = g + weightDecay · p
/// b = d                                            on the parameter's first step
/// b = momentum · b + (1 − dampening) · d           afterwards          (only if momentum ≠ 0)
/// d = nesterov ? d + momentum · b : b                                  (only if momentum ≠ 0)
/// p = p − learningRate · d
/// ```
///
/// ```swift
/// let optimizer = SGD(model.parameters, learningRate: 0.05, momentum: 0.9)
/// optimizer.zeroGrad(); loss.backward(); optimizer.step()
/// ```
///
/// Its state is one `momentum_buffer` per parameter (none when momentum is 0).
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    /// The momentum factor; 0 turns momentum off.
    public private(set) var momentum: Float
    /// The share of each new gradient held back from the momentum buffer.
    public private(set) var dampening: Float
    /// The L2 penalty added to the gradient (`weightDecay · p`).
    public private(set) var weightDecay: Float
    /// Whether the step looks ahead along the momentum (Nesterov momentum).
    public private(set) var nesterov: Bool

    /// Each parameter's momentum buffer; nil until its first step, and always nil without momentum.
    private var momentumBuffers: [[Float]?]

    static let kind = "SGD"

    /// Creates an SGD optimizer over `parameters`.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update, usually `model.parameters`.
    ///   - learningRate: the step size (PyTorch's `lr`).
    ///   - momentum: the momentum factor; 0 (the default) is plain gradient descent.
    ///   - dampening: the share of each gradient held back from the momentum buffer.
    ///   - weightDecay: the L2 penalty coefficient.
    ///   - nesterov: whether to use Nesterov momentum.
    /// - Precondition: the learning rate, momentum and weight decay are not negative, and Nesterov
    ///   momentum comes with a positive momentum and zero dampening.
    public init(
        _ parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) {
        if let reason = Self.invalidReason(
            learningRate: learningRate, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
            nesterov: nesterov)
        {
            fatalError("SGD: \(reason)")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    /// Why the hyperparameters are unusable (PyTorch's checks), or nil if they are fine.
    private static func invalidReason(
        learningRate: Float, momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    ) -> String? {
        if !(learningRate >= 0) { return "learning rate must not be negative, got \(learningRate)" }
        if !(momentum >= 0) { return "momentum must not be negative, got \(momentum)" }
        if !(weightDecay >= 0) { return "weight decay must not be negative, got \(weightDecay)" }
        if nesterov && (momentum <= 0 || dampening != 0) {
            return "Nesterov momentum requires a positive momentum and zero dampening "
                + "(got momentum \(momentum), dampening \(dampening))"
        }
        return nil
    }

    public func step() {
        let (learningRate, momentum, dampening, weightDecay, nesterov) =
            (learningRate, momentum, dampening, weightDecay, nesterov)
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad else { continue }
            // Taking the buffer out of the array keeps it uniquely referenced, so it is updated in place.
            let previous = momentumBuffers[index]
            momentumBuffers[index] = nil
            var buffer = previous ?? (momentum == 0 ? [] : [Float](repeating: 0, count: grad.count))
            let isFirstStep = previous == nil
            grad.withUnsafeBufferPointer { gradient in
                parameter.update { values in
                    require(gradient.count == values.count, "SGD: gradient and parameter sizes differ")
                    buffer.withUnsafeMutableBufferPointer { buffer in
                        for offset in stride(from: 0, to: values.count, by: UpdateChunk.scalarCount) {
                            var value = values.chunk(at: offset)
                            var direction = gradient.chunk(at: offset)
                            if weightDecay != 0 { direction += weightDecay * value }
                            if momentum != 0 {
                                let momentumBuffer =
                                    isFirstStep
                                    ? direction : momentum * buffer.chunk(at: offset) + (1 - dampening) * direction
                                buffer.setChunk(momentumBuffer, at: offset)
                                direction = nesterov ? direction + momentum * momentumBuffer : momentumBuffer
                            }
                            value -= learningRate * direction
                            values.setChunk(value, at: offset)
                        }
                    }
                }
            }
            if momentum != 0 { momentumBuffers[index] = buffer }
        }
    }

    public func stateDict() -> OptimizerState {
        var tensors: [String: Tensor] = [:]
        for (index, buffer) in momentumBuffers.enumerated() {
            guard let buffer else { continue }
            tensors[OptimizerState.key(index, "momentum_buffer")] =
                OptimizerState.tensor(buffer, shape: parameters[index].shape)
        }
        return OptimizerState(
            kind: Self.kind, parameterShapes: parameters.map(\.shape),
            hyperparameters: [
                "lr": .double(Double(learningRate)), "momentum": .double(Double(momentum)),
                "dampening": .double(Double(dampening)), "weight_decay": .double(Double(weightDecay)),
                "nesterov": .bool(nesterov),
            ],
            tensors: tensors)
    }

    public func loadStateDict(_ state: OptimizerState) throws(OptimizerError) {
        var reader = try OptimizerStateReader(state, kind: Self.kind, parameters: parameters)
        let learningRate = try reader.float("lr")
        let momentum = try reader.float("momentum")
        let dampening = try reader.float("dampening")
        let weightDecay = try reader.float("weight_decay")
        let nesterov = try reader.bool("nesterov")
        if let reason = Self.invalidReason(
            learningRate: learningRate, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
            nesterov: nesterov)
        {
            throw .invalidHyperparameters(reason)
        }
        var buffers: [[Float]?] = []
        for index in parameters.indices {
            // Without momentum a saved buffer stays unread and is reported as unexpected.
            buffers.append(momentum == 0 ? nil : try reader.buffer("momentum_buffer", of: index))
        }
        try reader.finish()
        (self.learningRate, self.momentum, self.dampening, self.weightDecay, self.nesterov) =
            (learningRate, momentum, dampening, weightDecay, nesterov)
        momentumBuffers = buffers
    }

    public func resetState() {
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }
}
