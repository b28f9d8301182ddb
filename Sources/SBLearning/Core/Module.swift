import SBTensor

/// The base class of every layer and model, in the manner of PyTorch's `nn.Module`.
///
/// A module owns ``Parameter``s and child modules as stored properties; they are found by
/// reflection, in declaration order, and named by property path the way PyTorch names them
/// (`weight`, `0.weight`, `encoder.1.bias`). Subclasses implement ``forward(_:)``:
///
/// ```swift
/// final class TwoLayer: Module {
///     let hidden = Linear(4, 8)
///     let output = Linear(8, 1)
///     override func forward(_ x: Tensor) throws -> Tensor {
///         try output.forward(hidden.forward(x).relu())
///     }
/// }
/// let model = TwoLayer()
/// let y = model(x)                   // forward pass
/// model.stateDict().keys             // hidden.weight, hidden.bias, output.weight, output.bias
/// ```
///
/// To be saved to a model file and rebuilt by a peer that lacks its code, a custom module also
/// overrides ``describe()`` and conforms to ``DecodableModule`` (see ``ModuleRegistry``).
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (affects ``Dropout``); see ``train(_:)`` and ``eval()``.
    public private(set) var isTraining = true

    public init() {}

    /// Computes the module's output, throwing ``ModuleError`` for an input of the wrong shape.
    ///
    /// Subclasses override this. Prefer calling the module directly (`model(x)`); call `forward`
    /// where a shape error should be handled rather than stop the program.
    open func forward(_ input: Tensor) throws -> Tensor {
        fatalError("\(type(of: self)) must override forward(_:)")
    }

    /// Runs the forward pass: `model(x)`.
    ///
    /// - Precondition: the input has a shape the module accepts; a mismatch stops the program
    ///   with the ``ModuleError`` message. Use ``forward(_:)`` to catch it instead.
    public final func callAsFunction(_ input: Tensor) -> Tensor {
        do {
            return try forward(input)
        } catch {
            fatalError("\(error)")
        }
    }

    /// The module's own parameters (not its children's), named. By default, every stored
    /// `Parameter` (or `Parameter?` that is set) property, named after the property.
    open var ownParameters: [(name: String, parameter: Parameter)] {
        storedProperties.compactMap { label, value in (value as? Parameter).map { (label, $0) } }
    }

    /// The direct child modules, named. By default, every stored `Module` property, and each
    /// element of a stored `[Module]` property as `name.index`.
    open var children: [(name: String, module: Module)] {
        storedProperties.flatMap { label, value -> [(name: String, module: Module)] in
            if let module = value as? Module { return [(label, module)] }
            if let modules = value as? [Module] {
                return modules.enumerated().map { ("\(label).\($0.offset)", $0.element) }
            }
            return []
        }
    }

    /// Every parameter of this module and its descendants with its PyTorch-style path name, in a
    /// stable order: own parameters first, then each child's in turn.
    public final var namedParameters: [(name: String, parameter: Parameter)] {
        var result = ownParameters
        for (childName, child) in children {
            result += child.namedParameters.map { ("\(childName).\($0.name)", $0.parameter) }
        }
        return result
    }

    /// Every parameter, in the order of ``namedParameters`` (what an optimizer takes).
    public final var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The number of trainable values.
    public final var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// A snapshot of every parameter's values by name (PyTorch's `state_dict()`).
    public final func stateDict() -> [String: Tensor] {
        Dictionary(namedParameters.map { ($0.name, $0.parameter.value.detached()) }, uniquingKeysWith: { a, _ in a })
    }

    /// Overwrites the parameters with the values in `state`.
    ///
    /// Every parameter must be present with its exact shape, and every entry must name a
    /// parameter; nothing is changed unless all of them match.
    ///
    /// - Throws: ``ModuleError/missingParameter(_:)``, ``ModuleError/unexpectedParameter(_:)`` or
    ///   ``ModuleError/parameterShapeMismatch(name:expected:got:)``.
    public final func loadStateDict(_ state: [String: Tensor]) throws(ModuleError) {
        let named = namedParameters
        for (name, parameter) in named {
            guard let tensor = state[name] else { throw .missingParameter(name) }
            guard tensor.shape == parameter.shape else {
                throw .parameterShapeMismatch(name: name, expected: parameter.shape, got: tensor.shape)
            }
        }
        let known = Set(named.map(\.name))
        if let extra = state.keys.sorted().first(where: { !known.contains($0) }) { throw .unexpectedParameter(extra) }
        for (name, parameter) in named {
            // Shapes were checked above, so assignment cannot fail.
            try? parameter.assign(state[name]!)
        }
    }

    /// Clears the gradients of every parameter.
    public final func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }

    /// Sets training mode (`true`) or evaluation mode on this module and all its descendants.
    public final func train(_ mode: Bool = true) {
        isTraining = mode
        for (_, child) in children { child.train(mode) }
    }

    /// Sets evaluation mode (PyTorch's `model.eval()`).
    public final func eval() { train(false) }

    /// The self-describing architecture of this module, from which ``ModuleRegistry`` rebuilds it.
    ///
    /// Every built-in layer overrides this; a custom module must too to be saved or shared.
    ///
    /// - Throws: ``ModuleError/notDescribable(_:)`` by default.
    open func describe() throws -> ModuleSpec {
        throw ModuleError.notDescribable("\(type(of: self))")
    }

    /// A short description such as `Linear(in: 64, out: 10)`, used in messages.
    open var description: String { "\(type(of: self))" }

    /// Stored properties of the dynamic type and its superclasses up to `Module`, labelled.
    private var storedProperties: [(String, Any)] {
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [[(String, Any)]] = []
        while let current = mirror, current.subjectType != Module.self {
            levels.append(current.children.compactMap { child in child.label.map { ($0, child.value) } })
            mirror = current.superclassMirror
        }
        // Superclass properties come first, as they were declared first.
        return levels.reversed().flatMap { $0 }
    }
}
