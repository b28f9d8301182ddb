import SBTensor

// Elementwise activations. They take input of any shape and have no parameters or arguments.

/// max(x, 0) elementwise (PyTorch's `nn.ReLU`).
public final class ReLU: Module, DecodableModule {
    public static let specType = "ReLU"

    public convenience init(spec: ModuleSpec) throws { self.init() }

    public override func forward(_ input: Tensor) throws -> Tensor { input.relu() }

    public override func describe() throws -> ModuleSpec { ModuleSpec(type: Self.specType) }

    public override var description: String { "ReLU()" }
}

/// 1 / (1 + e⁻ˣ) elementwise (PyTorch's `nn.Sigmoid`).
public final class Sigmoid: Module, DecodableModule {
    public static let specType = "Sigmoid"

    public convenience init(spec: ModuleSpec) throws { self.init() }

    public override func forward(_ input: Tensor) throws -> Tensor { input.sigmoid() }

    public override func describe() throws -> ModuleSpec { ModuleSpec(type: Self.specType) }

    public override var description: String { "Sigmoid()" }
}

/// The hyperbolic tangent elementwise (PyTorch's `nn.Tanh`).
public final class Tanh: Module, DecodableModule {
    public static let specType = "Tanh"

    public convenience init(spec: ModuleSpec) throws { self.init() }

    public override func forward(_ input: Tensor) throws -> Tensor { input.tanh() }

    public override func describe() throws -> ModuleSpec { ModuleSpec(type: Self.specType) }

    public override var description: String { "Tanh()" }
}
