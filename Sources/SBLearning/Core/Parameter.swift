import SBTensor

/// A trainable tensor owned by a module and updated in place by an optimizer.
///
/// A parameter is a reference: the module that uses it in its forward pass, the optimizer that
/// updates it and a `stateDict()` snapshot all see the same object. Its ``value`` is an autograd
/// leaf, so after `loss.backward()` its ``grad`` holds the loss's gradient.
public final class Parameter {
    /// The current values; an autograd leaf.
    public private(set) var value: Tensor

    /// Creates a parameter holding `initial` (which becomes a new autograd leaf).
    public init(_ initial: Tensor) {
        value = initial.detached().requiringGrad()
    }

    /// The gradient accumulated since the last ``zeroGrad()``, or nil.
    public var grad: Tensor? { value.grad }

    /// The parameter's shape.
    public var shape: [Int] { value.shape }

    /// Clears the accumulated gradient.
    public func zeroGrad() { value.zeroGrad() }

    /// Overwrites the values in place (the optimizer's update), keeping the autograd identity.
    public func update(_ body: (inout UnsafeMutableBufferPointer<Float>) -> Void) {
        value.withUnsafeMutableBufferPointer(body)
    }

    /// Replaces the values with `tensor`'s, keeping the autograd identity.
    ///
    /// - Throws: ``TensorError/shapeMismatch(operation:_:_:)`` if the shapes differ.
    public func assign(_ tensor: Tensor) throws(TensorError) {
        try value.assign(tensor)
    }
}
