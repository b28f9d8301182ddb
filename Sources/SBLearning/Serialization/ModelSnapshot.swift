import SBTensor

/// A model as a value: its architecture and its weights, detached from any live module.
///
/// A snapshot is what crosses task and process boundaries: it is `Sendable`, compares by value,
/// and encodes to the two documents of a model file, the architecture as JSON (see
/// ``architectureJSON()``) and the weights as safetensors (see ``weightsSafetensors()``). The same
/// pair of byte strings is written to disk by ``save(to:)`` and sent to a peer that downloads the
/// model; either side rebuilds a working module with ``makeModule()``.
///
/// ```swift
/// let snapshot = try ModelSnapshot(model)          // freeze architecture and weights
/// try snapshot.save(to: URL(filePath: "mnist"))     // mnist/model.json + mnist/model.safetensors
///
/// let restored = try ModelSnapshot.load(from: URL(filePath: "mnist")).makeModule()
/// ```
public struct ModelSnapshot: Sendable, Equatable {
    /// The architecture, from which ``ModuleRegistry`` rebuilds the module.
    public var spec: ModuleSpec
    /// The parameters by PyTorch-style name (`0.weight`), as `Module.stateDict()` returns them.
    public var state: [String: Tensor]

    /// Creates a snapshot from an architecture and matching weights.
    public init(spec: ModuleSpec, state: [String: Tensor]) {
        self.spec = spec
        self.state = state
    }

    /// Captures `model`'s architecture and current weights.
    ///
    /// - Throws: ``ModuleError/notDescribable(_:)`` if the model contains a module that does not
    ///   override `describe()`.
    public init(_ model: Module) throws {
        self.init(spec: try model.describe(), state: model.stateDict())
    }

    /// Builds a new module from the architecture and loads the weights into it.
    ///
    /// - Throws: ``ModelFileError/unknownModuleType(_:)`` for a type missing from
    ///   ``ModuleRegistry``, ``ModelFileError/invalidArchitecture(_:)`` for invalid arguments, or a
    ///   ``ModuleError`` if the weights do not fit the architecture (a missing, extra or
    ///   wrongly shaped parameter).
    public func makeModule() throws -> Module {
        let module = try ModuleRegistry.decode(spec)
        try module.loadStateDict(state)
        return module
    }
}
