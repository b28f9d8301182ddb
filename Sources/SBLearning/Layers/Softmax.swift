import SBTensor

/// exp(x) / Σ exp(x) along `axis`, so each slice becomes a probability distribution
/// (PyTorch's `nn.Softmax`).
///
/// For training a classifier, feed raw logits to `crossEntropyLoss(_:_:)` instead: it applies
/// log-softmax itself, more accurately.
public final class Softmax: Module, DecodableModule {
    public static let specType = "Softmax"

    /// The axis that sums to 1; negative values count from the end.
    public let axis: Int

    /// Creates a softmax over `axis` (default: the last, the class axis of `[batch, classes]`).
    public init(axis: Int = -1) {
        self.axis = axis
    }

    public convenience init(spec: ModuleSpec) throws {
        self.init(axis: try spec.int("axis"))
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try validate(axis: axis, of: input)
        return input.softmax(axis: axis)
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(type: Self.specType, arguments: ["axis": .int(axis)])
    }

    public override var description: String { "Softmax(axis: \(axis))" }
}

/// log(softmax(x)) along `axis`, computed without overflow (PyTorch's `nn.LogSoftmax`).
public final class LogSoftmax: Module, DecodableModule {
    public static let specType = "LogSoftmax"

    /// The axis to normalise over; negative values count from the end.
    public let axis: Int

    /// Creates a log-softmax over `axis` (default: the last).
    public init(axis: Int = -1) {
        self.axis = axis
    }

    public convenience init(spec: ModuleSpec) throws {
        self.init(axis: try spec.int("axis"))
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try validate(axis: axis, of: input)
        return input.logSoftmax(axis: axis)
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(type: Self.specType, arguments: ["axis": .int(axis)])
    }

    public override var description: String { "LogSoftmax(axis: \(axis))" }
}
