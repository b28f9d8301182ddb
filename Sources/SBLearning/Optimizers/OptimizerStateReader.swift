/// Reads an ``OptimizerState`` for ``Optimizer/loadStateDict(_:)``, checking each entry against the
/// optimizer's parameters and remembering which were read, so that leftovers can be reported.
struct OptimizerStateReader {
    private let state: OptimizerState
    private let shapes: [[Int]]
    private var readKeys: Set<String> = []

    /// Checks the optimizer type and the parameter shapes.
    init(_ state: OptimizerState, kind: String, parameters: [Parameter]) throws(OptimizerError) {
        guard state.kind == kind else { throw .kindMismatch(expected: kind, got: state.kind) }
        let shapes = parameters.map(\.shape)
        guard state.parameterShapes.count == shapes.count else {
            throw .parameterCountMismatch(expected: shapes.count, got: state.parameterShapes.count)
        }
        for (index, (expected, saved)) in zip(shapes, state.parameterShapes).enumerated() where expected != saved {
            throw .parameterShapeMismatch(index: index, expected: expected, got: saved)
        }
        self.state = state
        self.shapes = shapes
    }

    /// The numeric hyperparameter `name`.
    mutating func float(_ name: String) throws(OptimizerError) -> Float {
        readKeys.insert(name)
        switch state.hyperparameters[name] {
        case .double(let value)?: return Float(value)
        case .int(let value)?: return Float(value)
        case nil: throw .missingEntry(name)
        default: throw .invalidEntry(key: name, reason: "must be a number")
        }
    }

    /// The Boolean hyperparameter `name`.
    mutating func bool(_ name: String) throws(OptimizerError) -> Bool {
        readKeys.insert(name)
        switch state.hyperparameters[name] {
        case .bool(let value)?: return value
        case nil: throw .missingEntry(name)
        default: throw .invalidEntry(key: name, reason: "must be a Boolean")
        }
    }

    /// The buffer `name` of parameter `index`, or nil if the state has none.
    mutating func buffer(_ name: String, of index: Int) throws(OptimizerError) -> [Float]? {
        let key = OptimizerState.key(index, name)
        guard let tensor = state.tensors[key] else { return nil }
        guard tensor.shape == shapes[index] else {
            throw .stateShapeMismatch(key: key, expected: shapes[index], got: tensor.shape)
        }
        readKeys.insert(key)
        return tensor.scalars
    }

    /// The buffer `name` of parameter `index`, which must be present.
    mutating func requiredBuffer(_ name: String, of index: Int) throws(OptimizerError) -> [Float] {
        guard let buffer = try buffer(name, of: index) else {
            throw .missingEntry(OptimizerState.key(index, name))
        }
        return buffer
    }

    /// The step count of parameter `index`, or nil if it has never been updated.
    mutating func step(of index: Int) throws(OptimizerError) -> Int? {
        let key = OptimizerState.key(index, "step")
        guard let step = state.steps[key] else { return nil }
        guard step > 0 else { throw .invalidEntry(key: key, reason: "must be positive, got \(step)") }
        readKeys.insert(key)
        return step
    }

    /// Throws for the first entry (in sorted order) that no read asked for.
    func finish() throws(OptimizerError) {
        let keys = Array(state.hyperparameters.keys) + Array(state.tensors.keys) + Array(state.steps.keys)
        if let unread = keys.filter({ !readKeys.contains($0) }).min() { throw .unexpectedEntry(unread) }
    }
}
