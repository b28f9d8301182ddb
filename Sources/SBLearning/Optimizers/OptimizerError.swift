/// An error from loading an optimizer's state: the saved state does not fit the optimizer or its parameters.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// State saved by a different optimizer type, e.g. Adam state loaded into ``SGD``.
    case kindMismatch(expected: String, got: String)
    /// State saved for a different number of parameters than the optimizer updates.
    case parameterCountMismatch(expected: Int, got: Int)
    /// State saved for parameter `index` when it had another shape.
    case parameterShapeMismatch(index: Int, expected: [Int], got: [Int])
    /// A per-parameter entry (such as `1.exp_avg`) whose shape differs from its parameter's.
    case stateShapeMismatch(key: String, expected: [Int], got: [Int])
    /// A hyperparameter or per-parameter entry the optimizer needs is absent.
    case missingEntry(String)
    /// An entry the optimizer has no use for, such as a momentum buffer when momentum is 0.
    case unexpectedEntry(String)
    /// An entry of the wrong type or out of range, such as a string learning rate or a step count of 0.
    case invalidEntry(key: String, reason: String)
    /// Hyperparameters outside their domain together, such as Nesterov momentum with dampening.
    case invalidHyperparameters(String)

    public var description: String {
        switch self {
        case .kindMismatch(let expected, let got):
            return "optimizer state was saved by \(got), it cannot be loaded into \(expected)"
        case .parameterCountMismatch(let expected, let got):
            return "optimizer state holds \(got) parameters, but the optimizer updates \(expected): "
                + "build the optimizer over the same model the state was saved from"
        case .parameterShapeMismatch(let index, let expected, let got):
            return "parameter \(index) has shape \(expected), but the optimizer state was saved for shape \(got)"
        case .stateShapeMismatch(let key, let expected, let got):
            return "optimizer state entry '\(key)' has shape \(got), but its parameter has shape \(expected)"
        case .missingEntry(let key):
            return "optimizer state has no entry '\(key)'"
        case .unexpectedEntry(let key):
            return "optimizer state entry '\(key)' is not used by this optimizer"
        case .invalidEntry(let key, let reason):
            return "optimizer state entry '\(key)' \(reason)"
        case .invalidHyperparameters(let reason):
            return "invalid optimizer hyperparameters: \(reason)"
        }
    }
}
