import SBTensor

/// A 2-D convolution over NCHW images (PyTorch's `nn.Conv2d` with square kernels).
///
/// `weight` is `[outChannels, inChannels, kernelSize, kernelSize]` and `bias` `[outChannels]`, both
/// initialised uniformly in ±1/√(inChannels·kernelSize²) as PyTorch does (Kaiming-uniform with
/// a = √5). Input is `[batch, inChannels, height, width]`; the output is
/// `[batch, outChannels, (height + 2·padding − kernelSize) / stride + 1, …]` (rounded down).
///
/// ```swift
/// let conv = Conv2d(1, 8, kernelSize: 3, padding: 1)
/// let y = conv(images)      // images: [batch, 1, 8, 8] → y: [batch, 8, 8, 8]
/// ```
public final class Conv2d: Module, DecodableModule {
    public static let specType = "Conv2d"

    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let weight: Parameter
    public let bias: Parameter?

    /// Creates a convolution from `inChannels` to `outChannels` feature maps.
    ///
    /// - Parameters:
    ///   - kernelSize: the side of the square kernel.
    ///   - stride: the step between neighbouring windows.
    ///   - padding: zeros added on every side of the input.
    ///   - bias: whether to add a learned bias per output channel.
    /// - Precondition: channel counts, kernel size and stride are positive; padding is not negative.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true
    ) {
        require(
            inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
            "Conv2d(\(inChannels), \(outChannels), kernelSize: \(kernelSize), stride: \(stride), padding: \(padding)): "
                + "channels, kernel size and stride must be positive and padding not negative")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let bound = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
        weight = Parameter(.uniform([outChannels, inChannels, kernelSize, kernelSize], low: -bound, high: bound))
        self.bias = bias ? Parameter(.uniform([outChannels], low: -bound, high: bound)) : nil
    }

    public convenience init(spec: ModuleSpec) throws {
        let inChannels = try spec.int("inChannels")
        let outChannels = try spec.int("outChannels")
        let kernelSize = try spec.int("kernelSize")
        let stride = try spec.int("stride")
        let padding = try spec.int("padding")
        guard inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0 else {
            throw ModelFileError.invalidArchitecture(
                "Conv2d: channels, kernel size and stride must be positive and padding not negative")
        }
        self.init(
            inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
            bias: try spec.bool("bias"))
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        let smallest = Swift.max(kernelSize - 2 * padding, 1)
        guard input.rank == 4, input.shape[1] == inChannels, input.shape[2] >= smallest, input.shape[3] >= smallest
        else {
            throw ModuleError.inputShapeMismatch(
                module: description, expected: "[batch, \(inChannels), height ≥ \(smallest), width ≥ \(smallest)]",
                got: input.shape)
        }
        return Tensor.conv2d(input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding)
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(
            type: Self.specType,
            arguments: [
                "inChannels": .int(inChannels), "outChannels": .int(outChannels), "kernelSize": .int(kernelSize),
                "stride": .int(stride), "padding": .int(padding), "bias": .bool(bias != nil),
            ])
    }

    public override var description: String {
        var options = ["kernelSize: \(kernelSize)"]
        if stride != 1 { options.append("stride: \(stride)") }
        if padding != 0 { options.append("padding: \(padding)") }
        if bias == nil { options.append("bias: false") }
        return "Conv2d(in: \(inChannels), out: \(outChannels), \(options.joined(separator: ", ")))"
    }
}
