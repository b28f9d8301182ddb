import Synchronization

/// A vertex of the autograd graph: either a leaf that accumulates a gradient, or the record of an
/// operation that knows how to map its output's gradient to its inputs' gradients.
///
/// Nodes are immutable once built except for a leaf's gradient, which sits behind a mutex so that
/// backward passes on different tasks can accumulate into shared parameters safely.
@usableFromInline
final class AutogradNode: Sendable {
    /// The inputs' nodes, in the order `backward` returns their gradients; nil for inputs that do
    /// not require a gradient.
    let inputs: [AutogradNode?]
    /// Maps the output gradient to one gradient per input (nil where none is needed).
    let backward: (@Sendable (Tensor) -> [Tensor?])?
    /// The accumulated gradient of a leaf (always nil for an operation's node).
    let leafGradient = Mutex<Tensor?>(nil)

    /// A leaf: a tensor whose gradient the user reads after `backward()`.
    init() {
        inputs = []
        backward = nil
    }

    init(inputs: [AutogradNode?], backward: @escaping @Sendable (Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.backward = backward
    }

    var isLeaf: Bool { backward == nil }
}

/// Switches gradient recording on and off for the current task.
public enum Autograd {
    @TaskLocal static var isRecording = true

    /// Whether operations currently record the graph (false inside ``withNoGrad(_:)-7q9n2``).
    public static var isEnabled: Bool { isRecording }
}

/// Runs `body` without recording gradients, as in evaluation or when applying weight updates.
///
/// Tensors produced inside carry no graph, which saves memory and time.
///
/// ```swift
/// let accuracy = withNoGrad { (model(x).argmax(axis: 1) .== y).mean().item }
/// ```
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try Autograd.$isRecording.withValue(false) { try body() }
}

/// Runs the asynchronous `body` without recording gradients.
public func withNoGrad<R>(_ body: () async throws -> R) async rethrows -> R {
    try await Autograd.$isRecording.withValue(false) { try await body() }
}

extension Tensor {
    /// Whether gradients flow back through this tensor.
    public var requiresGrad: Bool { node != nil }

    /// Whether this tensor is a leaf of the graph: it accumulates a gradient in ``grad``.
    public var isLeaf: Bool { node?.isLeaf ?? false }

    /// A copy of this tensor that is a new graph leaf: operations on it record their gradients and
    /// ``backward()`` accumulates into its ``grad``.
    public func requiringGrad() -> Tensor {
        Tensor(uncheckedShape: shape, storage: storage, node: AutogradNode())
    }

    /// The same values cut off from the graph: no gradient flows through the result.
    public func detached() -> Tensor {
        Tensor(uncheckedShape: shape, storage: storage)
    }

    /// The gradient accumulated in this leaf by ``backward()`` calls, or nil if there is none yet.
    public var grad: Tensor? {
        node?.leafGradient.withLock { $0 }
    }

    /// Clears the gradient of this leaf (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        node?.leafGradient.withLock { $0 = nil }
    }

    /// Computes the gradient of this scalar with respect to every leaf it depends on, adding it to
    /// each leaf's ``grad`` (gradients accumulate until ``zeroGrad()``).
    ///
    /// - Precondition: the tensor has one element and requires a gradient.
    public func backward() {
        require(count == 1, "backward() needs a scalar loss; this tensor has shape \(shape)")
        backward(gradient: Tensor(uncheckedShape: shape, storage: [1]))
    }

    /// Back-propagates `gradient` (the derivative of some scalar with respect to this tensor).
    public func backward(gradient: Tensor) {
        guard let root = node else {
            fatalError("backward(): this tensor does not require a gradient (no input required one)")
        }
        shapePrecondition(gradient.shape == shape, "backward", shape, gradient.shape)
        let order = Self.topologicalOrder(from: root)
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): gradient]
        for current in order {
            guard let outputGradient = pending.removeValue(forKey: ObjectIdentifier(current)) else { continue }
            guard let backward = current.backward else {
                current.leafGradient.withLock { accumulated in
                    accumulated = accumulated.map { $0.adding(outputGradient) } ?? outputGradient
                }
                continue
            }
            let inputGradients = withNoGrad { backward(outputGradient) }
            for (input, inputGradient) in zip(current.inputs, inputGradients) {
                guard let input, let inputGradient else { continue }
                let key = ObjectIdentifier(input)
                if let existing = pending[key] {
                    pending[key] = existing.adding(inputGradient)
                } else {
                    pending[key] = inputGradient
                }
            }
        }
    }

    /// The nodes reachable from `root`, each after every node that consumes it (reverse post-order
    /// of an iterative depth-first search, so deep graphs do not overflow the stack).
    private static func topologicalOrder(from root: AutogradNode) -> [AutogradNode] {
        var visited = Set<ObjectIdentifier>()
        var postOrder: [AutogradNode] = []
        var stack: [(node: AutogradNode, nextInput: Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while !stack.isEmpty {
            let (current, nextInput) = stack[stack.count - 1]
            if nextInput < current.inputs.count {
                stack[stack.count - 1].nextInput += 1
                if let input = current.inputs[nextInput], visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                postOrder.append(current)
                stack.removeLast()
            }
        }
        return postOrder.reversed()
    }

    /// Attaches a graph node to `result` when recording is on and any input requires a gradient.
    ///
    /// `backward` receives the gradient of `result` and returns one gradient per input, in order;
    /// it may return nil for inputs that do not require one.
    @usableFromInline
    static func recording(
        _ result: Tensor, inputs: [Tensor], backward: @escaping @Sendable (Tensor) -> [Tensor?]
    ) -> Tensor {
        guard Autograd.isRecording, inputs.contains(where: { $0.node != nil }) else { return result }
        var output = result
        output.node = AutogradNode(inputs: inputs.map(\.node), backward: backward)
        return output
    }

    /// Gradient-free addition used when accumulating gradients (same shapes).
    func adding(_ other: Tensor) -> Tensor {
        shapePrecondition(shape == other.shape, "gradient accumulation", shape, other.shape)
        var result = storage
        other.storage.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for index in 0..<target.count { target[index] += source[index] }
            }
        }
        return Tensor(uncheckedShape: shape, storage: result)
    }
}
