import SBTensor

/// Collapses the dimensions from `startAxis` on into one (PyTorch's `nn.Flatten`).
///
/// The default keeps the batch dimension: `[batch, 8, 4, 4]` becomes `[batch, 128]`, which is what
/// a ``Linear`` layer after convolutions expects.
public final class Flatten: Module, DecodableModule {
    public static let specType = "Flatten"

    /// The first dimension to collapse; negative values count from the end.
    public let startAxis: Int

    /// Creates a layer that flattens the dimensions from `startAxis` (default 1, after the batch) on.
    public init(startAxis: Int = 1) {
        self.startAxis = startAxis
    }

    public convenience init(spec: ModuleSpec) throws {
        self.init(startAxis: try spec.int("startAxis"))
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try validate(axis: startAxis, of: input)
        return input.flattened(startAxis: startAxis)
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(type: Self.specType, arguments: ["startAxis": .int(startAxis)])
    }

    public override var description: String { "Flatten(startAxis: \(startAxis))" }
}
