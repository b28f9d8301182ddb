import SBLearning
import SBTensor

/// A model's weights as a value: parameter names in a fixed order, each with its tensor.
///
/// The order is the model's own (``Module/namedParameters``), so every node that builds the same
/// architecture lists the same names in the same order and aggregation can walk two models side by
/// side. The tensors are detached copies: a value never shares autograd state with a live module.
///
/// ```swift
/// let weights = ModelParameters(model)                  // 0.weight, 0.bias, 2.weight, 2.bias
/// let average = try ModelParameters.weightedSum([(weights, 0.5), (other, 0.5)])
/// try average.load(into: model)
/// ```
public struct ModelParameters: Sendable, Equatable {
    /// The parameter names, in the model's order.
    public let names: [String]
    /// The tensors, in the order of ``names``.
    public let tensors: [Tensor]

    /// Creates parameters from named tensors, keeping their order.
    ///
    /// - Throws: ``ParameterMismatch/duplicate(_:)`` naming the first name that appears twice.
    public init(_ entries: [(name: String, tensor: Tensor)]) throws(ParameterMismatch) {
        var seen = Set<String>()
        for (name, _) in entries where !seen.insert(name).inserted { throw .duplicate(name) }
        self.init(unchecked: entries.map(\.name), entries.map { $0.tensor.detached() })
    }

    /// Captures `module`'s current weights in its own parameter order.
    public init(_ module: Module) {
        let named = module.namedParameters
        self.init(unchecked: named.map(\.name), named.map { $0.parameter.value.detached() })
    }

    /// Creates parameters from a state dict (a ``ModelSnapshot``'s `state`), ordered by name
    /// because a dictionary has no order of its own.
    public init(stateDict: [String: Tensor]) {
        let names = stateDict.keys.sorted()
        self.init(unchecked: names, names.map { stateDict[$0]!.detached() })
    }

    init(unchecked names: [String], _ tensors: [Tensor]) {
        self.names = names
        self.tensors = tensors
    }

    /// The tensor named `name`, or nil.
    public subscript(name: String) -> Tensor? {
        names.firstIndex(of: name).map { tensors[$0] }
    }

    /// The number of scalar values over all tensors.
    public var scalarCount: Int { tensors.reduce(0) { $0 + $1.count } }

    /// The parameters as a state dict, for ``Module/loadStateDict(_:)`` or a ``ModelSnapshot``.
    public var stateDict: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: zip(names, tensors))
    }

    /// Overwrites `module`'s weights with these.
    ///
    /// - Throws: ``ModuleError`` naming a missing, unexpected or wrongly shaped parameter; the
    ///   module is left unchanged then.
    public func load(into module: Module) throws(ModuleError) {
        try module.loadStateDict(stateDict)
    }

    /// Checks that `other` has the same names, in the same order, with the same shapes.
    ///
    /// - Throws: ``ParameterMismatch`` naming the first parameter that differs.
    public func checkCompatible(with other: ModelParameters) throws(ParameterMismatch) {
        for (index, name) in names.enumerated() {
            guard index < other.names.count, other.names[index] == name else {
                throw other.names.contains(name) ? .order(name) : .missing(name)
            }
            guard tensors[index].shape == other.tensors[index].shape else {
                throw .shape(name: name, expected: tensors[index].shape, got: other.tensors[index].shape)
            }
        }
        if other.names.count > names.count { throw .unexpected(other.names[names.count]) }
    }
}
