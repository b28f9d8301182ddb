import SBTensor

/// An error from building, running or loading a module, naming the module and the problem.
public enum ModuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input whose shape the module cannot take, e.g. 32 features into `Linear(64, 10)`.
    case inputShapeMismatch(module: String, expected: String, got: [Int])
    /// A constructor argument outside its domain, e.g. `Linear(0, 10)` or a dropout rate of 2.
    case invalidArgument(module: String, reason: String)
    /// A state dictionary that lacks a parameter the module has.
    case missingParameter(String)
    /// A state dictionary entry the module has no parameter for.
    case unexpectedParameter(String)
    /// A state dictionary entry whose shape differs from the parameter's.
    case parameterShapeMismatch(name: String, expected: [Int], got: [Int])
    /// A module that cannot describe itself for a model file (a custom layer must override
    /// `Module.describe()` and register a decoder, see ``ModuleRegistry``).
    case notDescribable(String)

    public var description: String {
        switch self {
        case .inputShapeMismatch(let module, let expected, let got):
            return "\(module): expected input of shape \(expected), got \(got)"
        case .invalidArgument(let module, let reason):
            return "\(module): \(reason)"
        case .missingParameter(let name):
            return "state dict has no entry for parameter '\(name)'"
        case .unexpectedParameter(let name):
            return "state dict entry '\(name)' matches no parameter of the model"
        case .parameterShapeMismatch(let name, let expected, let got):
            return "parameter '\(name)' has shape \(expected), but the state dict gives \(got)"
        case .notDescribable(let type):
            return "\(type) cannot be described for a model file: override describe() and register a decoder"
        }
    }
}
