import SBTensor

/// A snapshot of an optimizer: its type, hyperparameters and per-parameter state, as a value.
///
/// Per-parameter entries are keyed by the parameter's index in ``Optimizer/parameters`` and the
/// state's PyTorch name, as in PyTorch's optimizer `state_dict()`: `0.momentum_buffer` for
/// ``SGD``; `1.exp_avg`, `1.exp_avg_sq` (and `1.max_exp_avg_sq` with AMSGrad) in ``tensors``
/// and `1.step` in ``steps`` for ``Adam`` and ``AdamW``. A parameter that has never had a
/// gradient has no entries. Hyperparameters use PyTorch's names too (`lr`, `momentum`,
/// `weight_decay`, `beta1`, …).
///
/// It is `Codable` (tensors encode as shape and values) and `Sendable`, so it can be written to
/// a checkpoint or handed to another task. JSON has a single number type, so a whole-number
/// hyperparameter such as a dampening of 0 may decode as ``SpecValue/int(_:)``; loading accepts
/// either.
///
/// ```swift
/// let saved = optimizer.stateDict()
/// let restored = AdamW(model.parameters)
/// try restored.loadStateDict(saved)
/// ```
public struct OptimizerState: Equatable, Sendable {
    /// The optimizer type that saved the state (`SGD`, `Adam`, `AdamW`).
    public var kind: String
    /// The shapes of the parameters the state was saved for, in order.
    public var parameterShapes: [[Int]]
    /// The hyperparameters by PyTorch name.
    public var hyperparameters: [String: SpecValue]
    /// Per-parameter buffers keyed `index.name`, each with its parameter's shape.
    public var tensors: [String: Tensor]
    /// Per-parameter step counts keyed `index.step`.
    public var steps: [String: Int]

    /// Creates a state from its parts; optimizers make one in ``Optimizer/stateDict()``.
    public init(
        kind: String, parameterShapes: [[Int]], hyperparameters: [String: SpecValue],
        tensors: [String: Tensor] = [:], steps: [String: Int] = [:]
    ) {
        self.kind = kind
        self.parameterShapes = parameterShapes
        self.hyperparameters = hyperparameters
        self.tensors = tensors
        self.steps = steps
    }

    /// The key of the entry `name` of parameter `index`, such as `1.exp_avg`.
    static func key(_ index: Int, _ name: String) -> String { "\(index).\(name)" }

    /// A per-parameter buffer as a tensor of its parameter's shape.
    static func tensor(_ buffer: [Float], shape: [Int]) -> Tensor {
        // Buffers are allocated with their parameter's element count, so the shape always fits.
        try! Tensor(shape: shape, scalars: buffer)
    }
}

extension OptimizerState: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, parameterShapes, hyperparameters, tensors, steps
    }

    /// A tensor as it is encoded: its shape and row-major values.
    private struct EncodedTensor: Codable {
        var shape: [Int]
        var scalars: [Float]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        parameterShapes = try container.decode([[Int]].self, forKey: .parameterShapes)
        hyperparameters = try container.decode([String: SpecValue].self, forKey: .hyperparameters)
        steps = try container.decode([String: Int].self, forKey: .steps)
        var tensors: [String: Tensor] = [:]
        for (key, encoded) in try container.decode([String: EncodedTensor].self, forKey: .tensors) {
            do {
                tensors[key] = try Tensor(shape: encoded.shape, scalars: encoded.scalars)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .tensors, in: container, debugDescription: "tensor '\(key)': \(error)")
            }
        }
        self.tensors = tensors
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(parameterShapes, forKey: .parameterShapes)
        try container.encode(hyperparameters, forKey: .hyperparameters)
        try container.encode(steps, forKey: .steps)
        try container.encode(
            tensors.mapValues { EncodedTensor(shape: $0.shape, scalars: $0.scalars) }, forKey: .tensors)
    }
}
