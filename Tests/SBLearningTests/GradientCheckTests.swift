import SBLearning
import SBTensor
import Testing

// A finite-difference gradient checker, and its application to every differentiable tensor
// operation. The checker lives here, next to the layer and loss checks that also use it, because
// test targets cannot share code; the operations are SBTensor's.

/// Compares autograd gradients with central finite differences.
///
/// Each checked function's output is reduced to the scalar Σ output ⊙ R for a fixed random R,
/// so every output element contributes with its own weight (a plain sum would miss gradients that
/// cancel, such as softmax's). The scalar is accumulated in Double from the Float outputs, and the
/// difference quotient divides by the step actually taken after rounding to Float.
enum GradientCheck {
    /// Step for the central differences: small enough for the truncation error, large enough
    /// for Float rounding of O(1) values.
    static let epsilon: Float = 1e-2
    /// Largest accepted |autograd − numeric| / max(|autograd|, |numeric|).
    static let relativeTolerance = 1e-2
    /// Slack for entries whose true gradient is near zero, where a relative error means nothing.
    static let absoluteTolerance = 1e-3

    /// Checks the gradient of `function` with respect to each of `inputs`.
    static func expectGradientsMatch(
        _ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, of function: ([Tensor]) -> Tensor
    ) {
        let weights = outputWeights(like: withNoGrad { function(inputs) })
        let leaves = inputs.map { $0.requiringGrad() }
        (function(leaves) * weights).sum().backward()
        for (index, input) in inputs.enumerated() {
            let numeric = numericGradient(of: input) { perturbed in
                var probe = inputs
                probe[index] = perturbed
                return weightedSum(function(probe), weights)
            }
            compare(leaves[index].grad, numeric, label: "input \(index) \(input.shape)", sourceLocation: sourceLocation)
        }
    }

    /// Checks the gradient of `module`'s output with respect to `input` and to every parameter.
    static func expectGradientsMatch(
        _ module: Module, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let weights = outputWeights(like: withNoGrad { module(input) })
        module.zeroGrad()
        let leaf = input.requiringGrad()
        (module(leaf) * weights).sum().backward()
        let numericInput = numericGradient(of: input) { weightedSum(module($0), weights) }
        compare(leaf.grad, numericInput, label: "\(module) input", sourceLocation: sourceLocation)
        for (name, parameter) in module.namedParameters {
            let original = parameter.value.detached()
            let numeric = try numericGradient(of: original) { perturbed in
                try parameter.assign(perturbed)
                return weightedSum(module(input), weights)
            }
            try parameter.assign(original)
            compare(parameter.grad, numeric, label: "\(module) \(name)", sourceLocation: sourceLocation)
        }
    }

    /// ∂loss/∂x for every element x of `tensor` by central differences (no graph is recorded).
    static func numericGradient(of tensor: Tensor, _ loss: (Tensor) throws -> Double) rethrows -> [Double] {
        var probe = tensor
        var gradient: [Double] = []
        gradient.reserveCapacity(tensor.count)
        for index in 0..<tensor.count {
            let original = tensor.scalars[index]
            probe.withUnsafeMutableBufferPointer { $0[index] = original + epsilon }
            let (above, plus) = (Double(probe.scalars[index]), try withNoGrad { try loss(probe) })
            probe.withUnsafeMutableBufferPointer { $0[index] = original - epsilon }
            let (below, minus) = (Double(probe.scalars[index]), try withNoGrad { try loss(probe) })
            probe.withUnsafeMutableBufferPointer { $0[index] = original }
            gradient.append((plus - minus) / (above - below))
        }
        return gradient
    }

    /// Records one issue per checked tensor, naming its worst element.
    static func compare(_ autograd: Tensor?, _ numeric: [Double], label: String, sourceLocation: SourceLocation) {
        guard let autograd else {
            Issue.record("\(label): autograd produced no gradient", sourceLocation: sourceLocation)
            return
        }
        guard autograd.count == numeric.count else {
            Issue.record(
                "\(label): gradient shape \(autograd.shape) has the wrong size", sourceLocation: sourceLocation)
            return
        }
        var worst: (index: Int, excess: Double)?
        for (index, (analytic, estimate)) in zip(autograd.scalars.map(Double.init), numeric).enumerated() {
            let allowed = relativeTolerance * Swift.max(Swift.abs(analytic), Swift.abs(estimate)) + absoluteTolerance
            let excess = Swift.abs(analytic - estimate) - allowed
            if excess > 0 && excess > (worst?.excess ?? 0) { worst = (index, excess) }
        }
        if let worst {
            let message =
                "\(label): element \(worst.index) has autograd gradient \(autograd.scalars[worst.index]) "
                + "but finite differences give \(numeric[worst.index])"
            Issue.record("\(message)", sourceLocation: sourceLocation)
        }
    }

    /// Fixed weights in [0.5, 1.5) with random signs, one per output element.
    static func outputWeights(like output: Tensor) -> Tensor {
        let magnitudes = Tensor.uniform(output.shape, low: 0.5, high: 1.5, seed: 99)
        let signs = (Tensor.uniform(output.shape, seed: 98) .< 0.5) * 2 - 1
        return magnitudes * signs
    }

    static func weightedSum(_ output: Tensor, _ weights: Tensor) -> Double {
        zip(output.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
}

/// Reproducible test inputs.
enum CheckInputs {
    /// Uniform values in [-1, 1): smooth operations.
    static func any(_ shape: [Int], seed: UInt64 = 1) -> Tensor {
        Tensor.uniform(shape, low: -1, high: 1, seed: seed)
    }

    /// Uniform values in [0.5, 2): logarithms, roots and denominators.
    static func positive(_ shape: [Int], seed: UInt64 = 2) -> Tensor {
        Tensor.uniform(shape, low: 0.5, high: 2, seed: seed)
    }

    /// Shuffled values 0.1 apart, each 0.025 or more from every multiple of 0.5 (in particular
    /// 0): no two are within a finite-difference step of each other or of a kink of ReLU, abs,
    /// clamping at ±0.5, max or max pooling.
    static func distinct(_ shape: [Int], seed: UInt64 = 3) throws -> Tensor {
        let count = shape.reduce(1, *)
        var generator = SeededGenerator(seed: seed)
        let values = (0..<count).map { Float($0) * 0.1 - Float(count / 2) * 0.1 + 0.025 }
        return try Tensor(shape: shape, scalars: values.shuffled(using: &generator))
    }
}

/// A named function from tensors to a tensor, as a test argument.
struct DifferentiableCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let inputs: @Sendable () throws -> [Tensor]
    let function: @Sendable ([Tensor]) -> Tensor

    init(
        _ name: String, _ inputs: @escaping @Sendable () throws -> [Tensor],
        _ function: @escaping @Sendable ([Tensor]) -> Tensor
    ) {
        testDescription = name
        self.inputs = inputs
        self.function = function
    }

    /// A case of one input.
    init(
        _ name: String, _ input: @escaping @Sendable () throws -> Tensor,
        _ function: @escaping @Sendable (Tensor) -> Tensor
    ) {
        self.init(name, { [try input()] }, { function($0[0]) })
    }
}

@Suite("Autograd matches finite differences for every tensor operation")
struct OperationGradientTests {
    enum BinaryOperator: String, CaseIterable, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"

        func apply(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
            switch self {
            case .add: lhs + rhs
            case .subtract: lhs - rhs
            case .multiply: lhs * rhs
            case .divide: lhs / rhs
            }
        }
    }

    /// Operand shapes that exercise each broadcasting path: equal, a trailing vector, outer
    /// product, a rank difference with a size-1 axis, scalars on either side, size-1 on both.
    static let broadcastShapes: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([3, 4], []), ([], [3, 4]),
        ([2, 1, 4], [3, 1]), ([4], [2, 3, 4]), ([1], [3, 2]),
    ]

    @Test("Binary arithmetic with broadcasting", arguments: BinaryOperator.allCases, broadcastShapes)
    func binary(_ operation: BinaryOperator, shapes: ([Int], [Int])) {
        // Right operands stay positive so division is well conditioned.
        let inputs = [CheckInputs.any(shapes.0), CheckInputs.positive(shapes.1)]
        GradientCheck.expectGradientsMatch(inputs) { operation.apply($0[0], $0[1]) }
    }

    @Test("The checker reports a gradient that autograd gets wrong")
    func checkerDetectsWrongGradients() {
        // Detaching one factor halves the true gradient of x², which the checker must notice.
        withKnownIssue {
            GradientCheck.expectGradientsMatch([CheckInputs.positive([3])]) { x in x[0] * x[0].detached() }
        }
    }

    @Test("A tensor used several times accumulates every path's gradient")
    func reusedInput() {
        GradientCheck.expectGradientsMatch([CheckInputs.any([3, 4])]) { x in x[0] * x[0] + x[0].exp() - x[0] / 2 }
    }

    static let elementwise: [DifferentiableCase] = [
        DifferentiableCase("-x", { CheckInputs.any([3, 4]) }) { -$0 },
        DifferentiableCase("x + 2", { CheckInputs.any([3, 4]) }) { $0 + 2 },
        DifferentiableCase("x - 2", { CheckInputs.any([3, 4]) }) { $0 - 2 },
        DifferentiableCase("x * 3", { CheckInputs.any([3, 4]) }) { $0 * 3 },
        DifferentiableCase("x / 4", { CheckInputs.any([3, 4]) }) { $0 / 4 },
        DifferentiableCase("2 + x", { CheckInputs.any([3, 4]) }) { 2 + $0 },
        DifferentiableCase("2 - x", { CheckInputs.any([3, 4]) }) { 2 - $0 },
        DifferentiableCase("3 * x", { CheckInputs.any([3, 4]) }) { 3 * $0 },
        DifferentiableCase("2 / x", { CheckInputs.positive([3, 4]) }) { 2 / $0 },
        DifferentiableCase("compound assignment", { CheckInputs.positive([3, 4]) }) { x in
            var y = x
            y += x
            y -= 0.5
            y *= x
            y /= x + 1
            return y
        },
        DifferentiableCase("exp", { CheckInputs.any([3, 4]) }) { $0.exp() },
        DifferentiableCase("log", { CheckInputs.positive([3, 4]) }) { $0.log() },
        DifferentiableCase("sqrt", { CheckInputs.positive([3, 4]) }) { $0.sqrt() },
        DifferentiableCase("pow 2.5", { CheckInputs.positive([3, 4]) }) { $0.pow(2.5) },
        DifferentiableCase("pow -1", { CheckInputs.positive([3, 4]) }) { $0.pow(-1) },
        DifferentiableCase("pow 3 of signed values", { CheckInputs.any([3, 4]) }) { $0.pow(3) },
        DifferentiableCase("square", { CheckInputs.any([3, 4]) }) { $0.square() },
        DifferentiableCase("abs", { try CheckInputs.distinct([3, 4]) }) { $0.abs() },
        DifferentiableCase("clamped", { try CheckInputs.distinct([3, 4]) }) { $0.clamped(min: -0.5, max: 0.5) },
        DifferentiableCase("clamped below only", { try CheckInputs.distinct([3, 4]) }) { $0.clamped(min: -0.5) },
        DifferentiableCase("relu", { try CheckInputs.distinct([3, 4]) }) { $0.relu() },
        DifferentiableCase("sigmoid", { CheckInputs.any([3, 4]) * 4 }) { $0.sigmoid() },
        DifferentiableCase("tanh", { CheckInputs.any([3, 4]) * 2 }) { $0.tanh() },
    ]

    @Test("Elementwise functions and scalar arithmetic", arguments: elementwise)
    func elementwiseFunction(_ operation: DifferentiableCase) throws {
        GradientCheck.expectGradientsMatch(try operation.inputs(), of: operation.function)
    }

    static let reductions: [DifferentiableCase] = [
        DifferentiableCase("sum", { CheckInputs.any([2, 3, 4]) }) { $0.sum() },
        DifferentiableCase("sum axis 0", { CheckInputs.any([2, 3, 4]) }) { $0.sum(axis: 0) },
        DifferentiableCase("sum axis -1 keeping it", { CheckInputs.any([2, 3, 4]) }) {
            $0.sum(axis: -1, keepDims: true)
        },
        DifferentiableCase("sum axes 0 and 2", { CheckInputs.any([2, 3, 4]) }) { $0.sum(axes: [0, 2]) },
        DifferentiableCase("sum axes 1 and 2 keeping them", { CheckInputs.any([2, 3, 4]) }) {
            $0.sum(axes: [1, 2], keepDims: true)
        },
        DifferentiableCase("mean", { CheckInputs.any([2, 3, 4]) }) { $0.mean() },
        DifferentiableCase("mean axis 1", { CheckInputs.any([2, 3, 4]) }) { $0.mean(axis: 1) },
        DifferentiableCase("mean axes 0 and 1 keeping them", { CheckInputs.any([2, 3, 4]) }) {
            $0.mean(axes: [0, 1], keepDims: true)
        },
        DifferentiableCase("max", { try CheckInputs.distinct([2, 3, 4]) }) { $0.max() },
        DifferentiableCase("max axis 0", { try CheckInputs.distinct([2, 3, 4]) }) { $0.max(axis: 0) },
        DifferentiableCase("max axis 1 keeping it", { try CheckInputs.distinct([2, 3, 4]) }) {
            $0.max(axis: 1, keepDims: true)
        },
        DifferentiableCase("max axis -1", { try CheckInputs.distinct([2, 3, 4]) }) { $0.max(axis: -1) },
    ]

    @Test("Reductions", arguments: reductions)
    func reduction(_ operation: DifferentiableCase) throws {
        GradientCheck.expectGradientsMatch(try operation.inputs(), of: operation.function)
    }

    static let products: [DifferentiableCase] = [
        DifferentiableCase("matmul 2-D", { [CheckInputs.any([3, 4]), CheckInputs.any([4, 5], seed: 2)] }) {
            $0[0].matmul($0[1])
        },
        DifferentiableCase("matmul batched", { [CheckInputs.any([2, 3, 4]), CheckInputs.any([2, 4, 5], seed: 2)] }) {
            $0[0].matmul($0[1])
        },
        DifferentiableCase(
            "matmul batched × 2-D", { [CheckInputs.any([2, 3, 4]), CheckInputs.any([4, 5], seed: 2)] }
        ) {
            $0[0].matmul($0[1])
        },
        DifferentiableCase(
            "matmul 2-D × batched", { [CheckInputs.any([3, 4]), CheckInputs.any([2, 4, 5], seed: 2)] }
        ) {
            $0[0].matmul($0[1])
        },
        DifferentiableCase(
            "matmul broadcast batches", { [CheckInputs.any([2, 1, 3, 4]), CheckInputs.any([3, 4, 2], seed: 2)] }
        ) {
            $0[0].matmul($0[1])
        },
        DifferentiableCase("matmul of a transpose", { [CheckInputs.any([4, 3]), CheckInputs.any([4, 5], seed: 2)] }) {
            $0[0].transposed().matmul($0[1])
        },
        DifferentiableCase(
            "linear with bias",
            { [CheckInputs.any([5, 4]), CheckInputs.any([3, 4], seed: 2), CheckInputs.any([3], seed: 3)] }
        ) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) },
        DifferentiableCase("linear without bias", { [CheckInputs.any([5, 4]), CheckInputs.any([3, 4], seed: 2)] }) {
            Tensor.linear($0[0], weight: $0[1])
        },
        DifferentiableCase(
            "linear of 3-D input",
            { [CheckInputs.any([2, 5, 4]), CheckInputs.any([3, 4], seed: 2), CheckInputs.any([3], seed: 3)] }
        ) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) },
        DifferentiableCase(
            "linear of 1-D input",
            { [CheckInputs.any([4]), CheckInputs.any([3, 4], seed: 2), CheckInputs.any([3], seed: 3)] }
        ) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) },
    ]

    @Test("Matrix products and linear", arguments: products)
    func product(_ operation: DifferentiableCase) throws {
        GradientCheck.expectGradientsMatch(try operation.inputs(), of: operation.function)
    }

    static let shaping: [DifferentiableCase] = [
        DifferentiableCase("reshaped", { CheckInputs.any([2, 3, 4]) }) { x in withKnownShape { try x.reshaped([6, 4]) }
        },
        DifferentiableCase("reshaped with -1", { CheckInputs.any([2, 3, 4]) }) { x in
            withKnownShape { try x.reshaped([4, -1]) }
        },
        DifferentiableCase("flattened", { CheckInputs.any([2, 3, 4]) }) { $0.flattened() },
        DifferentiableCase("flattened from axis 1", { CheckInputs.any([2, 3, 4]) }) { $0.flattened(startAxis: 1) },
        DifferentiableCase("permuted", { CheckInputs.any([2, 3, 4]) }) { $0.permuted([2, 0, 1]) },
        DifferentiableCase("transposed", { CheckInputs.any([2, 3, 4]) }) { $0.transposed() },
        DifferentiableCase("transposed axes 0 and 2", { CheckInputs.any([2, 3, 4]) }) { $0.transposed(0, 2) },
        DifferentiableCase("gatherRows with repeats", { CheckInputs.any([4, 3]) }) { $0.gatherRows([2, 0, 2, 1, 2]) },
        DifferentiableCase("slice axis 1", { CheckInputs.any([2, 5, 3]) }) { $0.slice(axis: 1, 1..<4) },
        DifferentiableCase("slice axis -1", { CheckInputs.any([2, 5, 3]) }) { $0.slice(axis: -1, 0..<2) },
        DifferentiableCase("subscript range", { CheckInputs.any([5, 3]) }) { $0[1..<3] },
        DifferentiableCase(
            "concatenate axis 0",
            { [CheckInputs.any([2, 3]), CheckInputs.any([1, 3], seed: 2), CheckInputs.any([3, 3], seed: 3)] }
        ) { Tensor.concatenate($0, axis: 0) },
        DifferentiableCase(
            "concatenate axis 1", { [CheckInputs.any([2, 3, 2]), CheckInputs.any([2, 1, 2], seed: 2)] }
        ) {
            Tensor.concatenate($0, axis: 1)
        },
        DifferentiableCase("concatenate axis -1", { [CheckInputs.any([2, 3]), CheckInputs.any([2, 2], seed: 2)] }) {
            Tensor.concatenate($0, axis: -1)
        },
    ]

    @Test("Reshaping, permutation, indexing and concatenation", arguments: shaping)
    func shapingOperation(_ operation: DifferentiableCase) throws {
        GradientCheck.expectGradientsMatch(try operation.inputs(), of: operation.function)
    }

    static let normalizations: [DifferentiableCase] = [
        DifferentiableCase("softmax", { CheckInputs.any([3, 5]) * 3 }) { $0.softmax() },
        DifferentiableCase("softmax axis 0", { CheckInputs.any([3, 5]) * 3 }) { $0.softmax(axis: 0) },
        DifferentiableCase("softmax middle axis", { CheckInputs.any([2, 3, 4]) * 3 }) { $0.softmax(axis: 1) },
        DifferentiableCase("logSoftmax", { CheckInputs.any([3, 5]) * 3 }) { $0.logSoftmax() },
        DifferentiableCase("logSoftmax middle axis", { CheckInputs.any([2, 3, 4]) * 3 }) { $0.logSoftmax(axis: 1) },
        DifferentiableCase("crossEntropy", { CheckInputs.any([4, 3]) * 3 }) {
            Tensor.crossEntropy(logits: $0, targets: Tensor([2, 0, 1, 2]))
        },
        DifferentiableCase("binaryCrossEntropy", { CheckInputs.any([4, 2]) * 3 }) {
            Tensor.binaryCrossEntropy(
                logits: $0, targets: withKnownShape { try Tensor(shape: [4, 2], scalars: [1, 0, 0, 1, 1, 1, 0, 0]) })
        },
    ]

    @Test("Softmax, log-softmax and the fused losses", arguments: normalizations)
    func normalization(_ operation: DifferentiableCase) throws {
        GradientCheck.expectGradientsMatch(try operation.inputs(), of: operation.function)
    }

    struct ConvolutionCase: Sendable, CustomTestStringConvertible {
        let batch, inChannels, outChannels, height, width, kernel, stride, padding: Int
        let bias: Bool
        var testDescription: String {
            "[\(batch), \(inChannels), \(height), \(width)] → \(outChannels) channels, kernel \(kernel), "
                + "stride \(stride), padding \(padding)\(bias ? "" : ", no bias")"
        }
    }

    static let convolutions = [
        ConvolutionCase(
            batch: 1, inChannels: 1, outChannels: 1, height: 4, width: 4, kernel: 3, stride: 1, padding: 0, bias: true),
        ConvolutionCase(
            batch: 2, inChannels: 3, outChannels: 4, height: 5, width: 5, kernel: 3, stride: 1, padding: 1, bias: true),
        ConvolutionCase(
            batch: 2, inChannels: 2, outChannels: 3, height: 6, width: 5, kernel: 3, stride: 2, padding: 0, bias: false),
        ConvolutionCase(
            batch: 1, inChannels: 2, outChannels: 2, height: 5, width: 6, kernel: 2, stride: 2, padding: 1, bias: true),
        ConvolutionCase(
            batch: 2, inChannels: 1, outChannels: 2, height: 3, width: 3, kernel: 1, stride: 1, padding: 0, bias: false),
    ]

    @Test("conv2d with respect to input, weight and bias", arguments: convolutions)
    func conv2d(_ geometry: ConvolutionCase) {
        var inputs = [
            CheckInputs.any([geometry.batch, geometry.inChannels, geometry.height, geometry.width]),
            CheckInputs.any([geometry.outChannels, geometry.inChannels, geometry.kernel, geometry.kernel], seed: 2),
        ]
        if geometry.bias { inputs.append(CheckInputs.any([geometry.outChannels], seed: 3)) }
        GradientCheck.expectGradientsMatch(inputs) { tensors in
            Tensor.conv2d(
                tensors[0], weight: tensors[1], bias: tensors.count > 2 ? tensors[2] : nil, stride: geometry.stride,
                padding: geometry.padding)
        }
    }

    @Test("maxPool2d", arguments: [(2, nil), (3, 2), (2, 1)] as [(Int, Int?)])
    func maxPool2d(kernelSize: Int, stride: Int?) throws {
        GradientCheck.expectGradientsMatch([try CheckInputs.distinct([2, 2, 5, 4])]) {
            $0[0].maxPool2d(kernelSize: kernelSize, stride: stride)
        }
    }

    @Test("dropout with a fixed mask", arguments: [0.25, 0.5] as [Float])
    func dropout(probability: Float) {
        GradientCheck.expectGradientsMatch([CheckInputs.any([4, 6])]) { x in
            var generator = SeededGenerator(seed: 5)
            return x[0].dropout(probability: probability, using: &generator)
        }
    }
}

/// Runs a throwing shape operation whose shapes the test has fixed, so it cannot throw.
func withKnownShape(_ body: () throws -> Tensor) -> Tensor {
    do {
        return try body()
    } catch {
        Issue.record("unexpected shape error: \(error)")
        return Tensor(0)
    }
}
