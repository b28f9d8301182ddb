/// How one model's parameters fail to line up with another's.
///
/// Models can only be averaged when they come from the same architecture; each case names the
/// first parameter at fault, so the message points at the layer to fix.
public enum ParameterMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name appears more than once.
    case duplicate(String)
    /// The other model lacks this parameter.
    case missing(String)
    /// The other model has this parameter, which the reference model lacks.
    case unexpected(String)
    /// Both models have the parameter, but at different positions.
    case order(String)
    /// The parameter's shapes differ.
    case shape(name: String, expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case .duplicate(let name):
            "parameter '\(name)' appears more than once; every parameter needs a unique name"
        case .missing(let name):
            "parameter '\(name)' is missing; both models must come from the same architecture"
        case .unexpected(let name):
            "parameter '\(name)' is not part of the reference model; both models must come from the same architecture"
        case .order(let name):
            "parameter '\(name)' is at a different position; build both models from the same architecture"
        case .shape(let name, let expected, let got):
            "parameter '\(name)' has shape \(got) where \(expected) was expected; "
                + "both models must come from the same architecture"
        }
    }
}
