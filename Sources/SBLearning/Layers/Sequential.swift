import SBTensor

/// Layers applied one after another, each to the previous one's output (PyTorch's `nn.Sequential`).
///
/// The layers are the module's children, named `0`, `1`, … by position, so parameter names match
/// PyTorch's: `Sequential(Linear(64, 64), ReLU(), Linear(64, 10))` has `0.weight`, `0.bias`,
/// `2.weight` and `2.bias`.
///
/// ```swift
/// let model = Sequential(
///     Conv2d(1, 8, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2),
///     Flatten(), Linear(128, 10))
/// let logits = model(images)    // [batch, 1, 8, 8] → [batch, 10]
/// model.append(Softmax())
/// ```
public final class Sequential: Module, DecodableModule {
    public static let specType = "Sequential"

    /// The layers, in the order they run.
    public private(set) var layers: [Module]

    /// Creates a container that runs `layers` in order.
    public init(_ layers: Module...) {
        self.layers = layers
    }

    /// Creates a container that runs `layers` in order.
    public init(_ layers: [Module]) {
        self.layers = layers
    }

    /// Rebuilds every child through ``ModuleRegistry``.
    ///
    /// - Throws: the first error a child's decoding throws, such as
    ///   ``ModelFileError/unknownModuleType(_:)`` for a type that is not registered.
    public convenience init(spec: ModuleSpec) throws {
        self.init(try spec.children.map(ModuleRegistry.decode))
    }

    /// The number of layers.
    public var count: Int { layers.count }

    /// The layer at `index`.
    public subscript(index: Int) -> Module { layers[index] }

    /// Adds `layer` at the end; it is named after its position.
    public func append(_ layer: Module) {
        layers.append(layer)
    }

    public override var children: [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Runs each layer on the previous one's output; the first shape error stops the chain.
    public override func forward(_ input: Tensor) throws -> Tensor {
        try layers.reduce(input) { output, layer in try layer.forward(output) }
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(type: Self.specType, children: try layers.map { try $0.describe() })
    }

    public override var description: String {
        "Sequential(\(layers.map(\.description).joined(separator: ", ")))"
    }
}
