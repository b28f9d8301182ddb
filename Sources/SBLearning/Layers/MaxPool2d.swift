import SBTensor

/// The maximum over square windows of NCHW images (PyTorch's `nn.MaxPool2d`, without padding).
///
/// Each `kernelSize`×`kernelSize` window, `stride` apart, becomes its largest value; rows and
/// columns that do not fill a whole window are dropped, as in PyTorch. Input is
/// `[batch, channels, height, width]`.
///
/// ```swift
/// let pool = MaxPool2d(kernelSize: 2)
/// let y = pool(x)           // x: [batch, 8, 8, 8] → y: [batch, 8, 4, 4]
/// ```
public final class MaxPool2d: Module, DecodableModule {
    public static let specType = "MaxPool2d"

    public let kernelSize: Int
    public let stride: Int

    /// Creates a pooling layer.
    ///
    /// - Parameters:
    ///   - kernelSize: the side of the square window.
    ///   - stride: the step between windows; nil means `kernelSize` (non-overlapping windows), as in PyTorch.
    /// - Precondition: kernel size and stride are positive.
    public init(kernelSize: Int, stride: Int? = nil) {
        let stride = stride ?? kernelSize
        require(
            kernelSize > 0 && stride > 0,
            "MaxPool2d(kernelSize: \(kernelSize), stride: \(stride)): kernel size and stride must be positive")
        self.kernelSize = kernelSize
        self.stride = stride
    }

    public convenience init(spec: ModuleSpec) throws {
        let (kernelSize, stride) = (try spec.int("kernelSize"), try spec.int("stride"))
        guard kernelSize > 0 && stride > 0 else {
            throw ModelFileError.invalidArchitecture("MaxPool2d: kernel size and stride must be positive")
        }
        self.init(kernelSize: kernelSize, stride: stride)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4, input.shape[2] >= kernelSize, input.shape[3] >= kernelSize else {
            throw ModuleError.inputShapeMismatch(
                module: description, expected: "[batch, channels, height ≥ \(kernelSize), width ≥ \(kernelSize)]",
                got: input.shape)
        }
        return input.maxPool2d(kernelSize: kernelSize, stride: stride)
    }

    public override func describe() throws -> ModuleSpec {
        ModuleSpec(type: Self.specType, arguments: ["kernelSize": .int(kernelSize), "stride": .int(stride)])
    }

    public override var description: String {
        "MaxPool2d(kernelSize: \(kernelSize)\(stride == kernelSize ? "" : ", stride: \(stride)"))"
    }
}
