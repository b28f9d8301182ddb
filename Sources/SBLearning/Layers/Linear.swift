import SBTensor

/// A fully connected layer: `y = x · weightᵀ + bias` (PyTorch's `nn.Linear`).
///
/// `weight` is `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, both initialised uniformly
/// in ±1/√inFeatures as PyTorch does (Kaiming-uniform with a = √5). Input is `[..., inFeatures]`.
///
/// ```swift
/// let layer = Linear(10, 1)
/// let y = layer(x)          // x: [batch, 10] → y: [batch, 1]
/// ```
public final class Linear: Module, DecodableModule {
    public static let specType = "Linear"

    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?

    /// Creates a layer mapping `inFeatures` to `outFeatures` values, with a bias unless `bias` is false.
    ///
    /// - Precondition: both sizes are positive.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        require(
            inFeatures > 0 && outFeatures > 0,
            "Linear(\(inFeatures), \(outFeatures)): feature counts must be positive")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Parameter(.uniform([outFeatures, inFeatures], low: -bound, high: bound))
        self.bias = bias ? Parameter(.uniform([outFeatures], low: -bound, high: bound)) : nil
    }

    public convenience init(spec: ModuleSpec) throws {
        let (inFeatures, outFeatures) = (try spec.int("inFeatures"), try spec.int("outFeatures"))
        guard inFeatures > 0 && outFeatures > 0 else {
            throw ModelFileError.invalidArchitecture("Linear: feature counts must be positive")
        }
        self.init(inFeatures, outFeatures, bias: try spec.bool("bias"))
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.shape[input.rank - 1] == inFeatures else {
            throw ModuleError.inputShapeMismatch(
                module: description, expected: "[..., \(inFeatures)]", got: input.shape)
        }
        return Tensor.linear(input, weight: weight.value, bias: bias?.value)
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(
            type: Self.specType,
            arguments: ["inFeatures": .int(inFeatures), "outFeatures": .int(outFeatures), "bias": .bool(bias != nil)])
    }

    public override var description: String {
        "Linear(in: \(inFeatures), out: \(outFeatures)\(bias == nil ? ", bias: false" : ""))"
    }
}
