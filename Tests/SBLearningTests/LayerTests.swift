import Foundation
import SBLearning
import SBTensor
import Testing

/// Gives every parameter of `module` reproducible values of its initialiser's scale, so that
/// tests do not depend on what other tests running in parallel drew from `GlobalRandom`.
@discardableResult
private func withFixedParameters<M: Module>(_ module: M, seed: UInt64 = 10) throws -> M {
    for (offset, (_, parameter)) in module.namedParameters.enumerated() {
        try parameter.assign(Tensor.uniform(parameter.shape, low: -0.5, high: 0.5, seed: seed + UInt64(offset)))
    }
    return module
}

/// A module built afresh for each test case (modules are not Sendable), named in the test output.
struct ModuleCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let make: @Sendable () throws -> Module

    /// A case named `name`, for modules that may fail to build.
    init(_ name: String, _ make: @escaping @Sendable () throws -> Module) {
        testDescription = name
        self.make = make
    }

    /// A case named after the module's description.
    init(_ make: @escaping @Sendable () -> Module) {
        self.init(make().description, make)
    }
}

/// The CNN of the digits example: 8×8 images in, 10 logits out.
private func digitsCNN() -> Sequential {
    Sequential(Conv2d(1, 8, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2), Flatten(), Linear(128, 10))
}

@Suite("Layers: names, shapes and initialisation")
struct LayerNamingTests {
    @Test("A CNN's state dict has PyTorch's names and shapes")
    func cnnStateDict() {
        let shapes = digitsCNN().stateDict().mapValues(\.shape)
        #expect(shapes == ["0.weight": [8, 1, 3, 3], "0.bias": [8], "4.weight": [10, 128], "4.bias": [10]])
    }

    @Test("An MLP's state dict has PyTorch's names and shapes")
    func mlpStateDict() {
        let shapes = Sequential(Linear(64, 64), ReLU(), Linear(64, 10)).stateDict().mapValues(\.shape)
        #expect(shapes == ["0.weight": [64, 64], "0.bias": [64], "2.weight": [10, 64], "2.bias": [10]])
    }

    @Test("Nested containers join names with dots, in layer order")
    func nestedNames() {
        let model = Sequential(Sequential(Linear(2, 3), Tanh()), Dropout(), Linear(3, 1, bias: false))
        #expect(model.namedParameters.map(\.name) == ["0.0.weight", "0.0.bias", "2.weight"])
        #expect(model.children.map(\.name) == ["0", "1", "2"])
        #expect(model.parameterCount == 6 + 3 + 3)
    }

    @Test("Layers without parameters have none")
    func parameterFree() {
        let layers: [Module] = [
            ReLU(), Sigmoid(), Tanh(), Softmax(), LogSoftmax(), Dropout(), Flatten(), MaxPool2d(kernelSize: 2),
        ]
        #expect(layers.allSatisfy { $0.namedParameters.isEmpty })
    }

    /// Checks that `values` look uniform on ±`bound`: inside it, reaching near both ends, and
    /// with about a quarter of the values in each quarter of the interval.
    func expectUniform(_ values: [Float], bound: Float, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(values.allSatisfy { Swift.abs($0) <= bound }, sourceLocation: sourceLocation)
        #expect(values.min()! < -0.95 * bound && values.max()! > 0.95 * bound, sourceLocation: sourceLocation)
        let quarters = (0..<4).map { quarter in
            values.filter { Int(((($0 / bound) + 1) * 2).rounded(.down)) == quarter }.count
        }
        let expected = Double(values.count) / 4
        for count in quarters {
            #expect(Swift.abs(Double(count) - expected) < 0.1 * expected, "\(quarters)", sourceLocation: sourceLocation)
        }
    }

    @Test("Linear draws weight and bias uniformly in ±1/√inFeatures")
    func linearInitialisation() {
        let layer = Linear(256, 64)
        let bound = 1 / Float(256).squareRoot()
        expectUniform(layer.weight.value.scalars, bound: bound)
        #expect(layer.bias!.value.scalars.allSatisfy { Swift.abs($0) <= bound })
    }

    @Test("Conv2d draws weight and bias uniformly in ±1/√(inChannels·k²)")
    func convInitialisation() {
        let layer = Conv2d(16, 64, kernelSize: 3)
        let bound = 1 / Float(16 * 9).squareRoot()
        expectUniform(layer.weight.value.scalars, bound: bound)
        let bias = layer.bias!.value.scalars
        #expect(bias.allSatisfy { Swift.abs($0) <= bound })
        // Some bias comes near the bound, so the bias uses it too rather than a smaller one.
        #expect(bias.map(Swift.abs).max()! > 0.5 * bound)
    }

    @Test("Layers built one after another get different weights")
    func freshWeights() {
        #expect(Linear(8, 8).weight.value != Linear(8, 8).weight.value)
    }
}

@Suite("Layers: forward passes")
struct LayerForwardTests {
    @Test("Linear and Conv2d compute their tensor operation with their own parameters")
    func parametrisedLayers() throws {
        let linear = Linear(4, 3)
        let x = Tensor.uniform([2, 4], seed: 1)
        #expect(linear(x) == Tensor.linear(x, weight: linear.weight.value, bias: linear.bias!.value))
        let conv = Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, bias: false)
        let images = Tensor.uniform([2, 2, 7, 7], seed: 2)
        let output = conv(images)
        #expect(output == Tensor.conv2d(images, weight: conv.weight.value, stride: 2, padding: 1))
        #expect(output.shape == [2, 3, 4, 4])
        #expect(conv.bias == nil)
    }

    @Test("The digits CNN maps [n, 1, 8, 8] to [n, 10]")
    func cnnShapes() {
        let model = digitsCNN()
        #expect(model(Tensor.zeros([5, 1, 8, 8])).shape == [5, 10])
        #expect(model.parameterCount == 8 * 9 + 8 + 1280 + 10)
    }

    @Test("MaxPool2d pools with its kernel and stride")
    func maxPool() throws {
        let grid = try Tensor.arange(16).reshaped([1, 1, 4, 4])
        #expect(MaxPool2d(kernelSize: 2)(grid).scalars == [5, 7, 13, 15])
        #expect(MaxPool2d(kernelSize: 2, stride: 1)(grid).shape == [1, 1, 3, 3])
        #expect(MaxPool2d(kernelSize: 3, stride: 1)(grid).scalars == [10, 11, 14, 15])
    }

    @Test(
        "Flatten collapses from startAxis on",
        arguments: [(1, [2, 12]), (0, [24]), (2, [2, 3, 4]), (-2, [2, 12]), (-3, [24])])
    func flatten(startAxis: Int, shape: [Int]) throws {
        let cube = try Tensor.arange(24).reshaped([2, 3, 4])
        let flat = Flatten(startAxis: startAxis)(cube)
        #expect(flat.shape == shape)
        #expect(flat.scalars == cube.scalars)
    }

    @Test("Activations apply their function elementwise to any shape")
    func activations() throws {
        let x = try Tensor(shape: [2, 1, 2], scalars: [-2, -0.5, 0.5, 3])
        #expect(ReLU()(x) == x.relu())
        #expect(Sigmoid()(x) == x.sigmoid())
        #expect(Tanh()(x) == x.tanh())
        #expect(ReLU()(x).scalars == [0, 0, 0.5, 3])
    }

    @Test("Softmax and LogSoftmax work along their axis")
    func softmax() throws {
        let x = Tensor.uniform([3, 4], low: -3, high: 3, seed: 3)
        #expect(Softmax()(x) == x.softmax(axis: -1))
        #expect(Softmax(axis: 0)(x) == x.softmax(axis: 0))
        #expect(LogSoftmax()(x) == x.logSoftmax(axis: -1))
        #expect(LogSoftmax(axis: 0)(x) == x.logSoftmax(axis: 0))
        let rowSums = Softmax()(x).sum(axis: 1).scalars
        #expect(rowSums.allSatisfy { Swift.abs($0 - 1) < 1e-6 })
    }

    @Test("Sequential chains its layers, and an empty one passes its input through")
    func sequential() throws {
        let first = Linear(4, 8)
        let second = Linear(8, 2)
        let model = Sequential(first, Tanh(), second)
        let x = Tensor.uniform([3, 4], seed: 4)
        #expect(model(x) == second(first(x).tanh()))
        #expect(Sequential()(x) == x)
        #expect(Sequential([first, Tanh(), second])(x) == model(x))
    }

    @Test("Sequential has a count, an index subscript and append, which names the new layer")
    func sequentialCollection() {
        let model = Sequential(Linear(4, 8), ReLU())
        #expect(model.count == 2)
        #expect(model[1] is ReLU)
        #expect(model.layers.count == 2)
        model.append(Linear(8, 1))
        #expect(model.count == 3)
        #expect(model[2] is Linear)
        #expect(model.stateDict().keys.sorted() == ["0.bias", "0.weight", "2.bias", "2.weight"])
        #expect(model(Tensor.zeros([5, 4])).shape == [5, 1])
    }

    @Test("train() and eval() reach layers inside containers")
    func trainingMode() {
        let dropout = Dropout()
        let model = Sequential(Linear(2, 2), Sequential(dropout))
        #expect(dropout.isTraining)
        model.eval()
        #expect(!dropout.isTraining && !model[0].isTraining)
        model.train()
        #expect(dropout.isTraining)
    }

    @Test("Descriptions read like the constructor calls")
    func descriptions() {
        #expect(
            Conv2d(1, 8, kernelSize: 3, padding: 1).description == "Conv2d(in: 1, out: 8, kernelSize: 3, padding: 1)")
        #expect(
            Conv2d(3, 4, kernelSize: 5, stride: 2, bias: false).description
                == "Conv2d(in: 3, out: 4, kernelSize: 5, stride: 2, bias: false)")
        #expect(MaxPool2d(kernelSize: 2).description == "MaxPool2d(kernelSize: 2)")
        #expect(MaxPool2d(kernelSize: 3, stride: 1).description == "MaxPool2d(kernelSize: 3, stride: 1)")
        #expect(Dropout(0.25).description == "Dropout(probability: 0.25)")
        #expect(
            Sequential(Linear(64, 10), ReLU(), Flatten()).description
                == "Sequential(Linear(in: 64, out: 10), ReLU(), Flatten(startAxis: 1))")
    }
}

@Suite("Layers: Dropout")
struct DropoutTests {
    @Test("In evaluation mode Dropout is the identity")
    func evaluation() {
        let layer = Dropout(0.5)
        layer.eval()
        let x = Tensor.uniform([10, 10], seed: 1)
        #expect(layer(x) == x)
    }

    @Test("In training mode values are zeroed with probability p and the rest scaled by 1/(1 − p)")
    func training() {
        let x = Tensor.uniform([100, 100], low: 1, high: 2, seed: 1)
        let y = Dropout(0.3)(x)
        let zeroed = y.scalars.filter { $0 == 0 }.count
        #expect(Swift.abs(Double(zeroed) / 10_000 - 0.3) < 0.02)
        let scaledCorrectly = zip(x.scalars, y.scalars).allSatisfy { input, output in
            output == 0 || Swift.abs(output - input / 0.7) < 1e-5
        }
        #expect(scaledCorrectly)
        #expect(Swift.abs(y.mean().item - x.mean().item) < 0.03)
    }

    @Test("Each call draws a new mask")
    func freshMasks() {
        let layer = Dropout()
        let x = Tensor.ones([1000])
        #expect(layer(x) != layer(x))
    }

    @Test("The same generator state gives the same mask")
    func reproducibleMask() {
        let x = Tensor.ones([1000])
        var first = SeededGenerator(seed: 3)
        var second = SeededGenerator(seed: 3)
        var other = SeededGenerator(seed: 4)
        let mask = x.dropout(probability: 0.5, using: &first)
        #expect(mask == x.dropout(probability: 0.5, using: &second))
        #expect(mask != x.dropout(probability: 0.5, using: &other))
    }

    @Test("p = 0 passes values through and p = 1 zeroes them, without NaN")
    func extremes() {
        let x = Tensor.uniform([50], seed: 2)
        #expect(Dropout(0)(x) == x)
        #expect(Dropout(1)(x).scalars == [Float](repeating: 0, count: 50))
    }

    @Test("The gradient flows through the kept values only, scaled like them")
    func gradient() {
        let x = Tensor.uniform([20, 20], low: 1, high: 2, seed: 5).requiringGrad()
        let y = Dropout(0.5)(x)
        y.sum().backward()
        let expected = y.scalars.map { $0 == 0 ? Float(0) : 2 }
        #expect(x.grad?.scalars == expected)
    }
}

@Suite("Layers: shape errors")
struct LayerShapeErrorTests {
    @Test("Linear names itself and the expected shape")
    func linear() {
        let error = ModuleError.inputShapeMismatch(
            module: "Linear(in: 64, out: 10)", expected: "[..., 64]", got: [8, 32])
        #expect(throws: error) { try Linear(64, 10).forward(Tensor.zeros([8, 32])) }
        #expect(error.description.contains("Linear(in: 64, out: 10)"))
        #expect(throws: ModuleError.self) { try Linear(64, 10).forward(Tensor(1)) }
    }

    @Test(
        "Conv2d rejects the wrong rank, channel count or a too small image",
        arguments: [[1, 3, 8, 8], [3, 8, 8], [1, 1, 8], [2, 1, 2, 8], [2, 1, 8, 0]])
    func conv2d(shape: [Int]) {
        let expected = ModuleError.inputShapeMismatch(
            module: "Conv2d(in: 1, out: 4, kernelSize: 5, padding: 1)", expected: "[batch, 1, height ≥ 3, width ≥ 3]",
            got: shape)
        #expect(throws: expected) {
            try Conv2d(1, 4, kernelSize: 5, padding: 1).forward(Tensor.zeros(shape))
        }
    }

    @Test("Padding lets an image smaller than the kernel through")
    func paddedSmallImage() throws {
        #expect(try Conv2d(1, 1, kernelSize: 3, padding: 1).forward(Tensor.zeros([1, 1, 1, 1])).shape == [1, 1, 1, 1])
    }

    @Test("MaxPool2d rejects the wrong rank or an image smaller than the window")
    func maxPool() {
        #expect(
            throws: ModuleError.inputShapeMismatch(
                module: "MaxPool2d(kernelSize: 3)", expected: "[batch, channels, height ≥ 3, width ≥ 3]",
                got: [1, 1, 2, 5])
        ) { try MaxPool2d(kernelSize: 3).forward(Tensor.zeros([1, 1, 2, 5])) }
        #expect(throws: ModuleError.self) { try MaxPool2d(kernelSize: 2).forward(Tensor.zeros([4, 4])) }
    }

    @Test("Axis layers reject inputs that lack their axis")
    func axisLayers() {
        #expect(throws: ModuleError.inputShapeMismatch(module: "Flatten(startAxis: 1)", expected: "rank ≥ 2", got: [5]))
        {
            try Flatten().forward(Tensor.zeros([5]))
        }
        #expect(throws: ModuleError.inputShapeMismatch(module: "Softmax(axis: -3)", expected: "rank ≥ 3", got: [2, 2]))
        {
            try Softmax(axis: -3).forward(Tensor.zeros([2, 2]))
        }
        #expect(throws: ModuleError.self) { try LogSoftmax().forward(Tensor(1)) }
    }

    @Test("Sequential passes on the first failing layer's error")
    func sequential() {
        let model = Sequential(Linear(4, 8), ReLU(), Linear(4, 2))
        let expected = ModuleError.inputShapeMismatch(
            module: "Linear(in: 4, out: 2)", expected: "[..., 4]", got: [3, 8])
        #expect(throws: expected) { try model.forward(Tensor.zeros([3, 4])) }
    }
}

@Suite("Layers: descriptions for model files")
struct LayerSpecTests {
    static let layers = [
        ModuleCase { Linear(3, 2, bias: false) }, ModuleCase { Conv2d(2, 4, kernelSize: 3, stride: 2, padding: 1) },
        ModuleCase { Conv2d(1, 1, kernelSize: 1, bias: false) }, ModuleCase { MaxPool2d(kernelSize: 3, stride: 1) },
        ModuleCase { Flatten(startAxis: 2) }, ModuleCase { ReLU() }, ModuleCase { Sigmoid() }, ModuleCase { Tanh() },
        ModuleCase { Softmax(axis: 0) }, ModuleCase { LogSoftmax() }, ModuleCase { Dropout(0.1) },
        ModuleCase { digitsCNN() }, ModuleCase { Sequential(Linear(4, 4), Sequential(Dropout(0.2), Tanh())) },
    ]

    @Test("describe() round-trips through JSON and ModuleRegistry", arguments: layers)
    func roundTrip(_ layerCase: ModuleCase) throws {
        let layer = try layerCase.make()
        let spec = try layer.describe()
        let decoded = try JSONDecoder().decode(ModuleSpec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
        let rebuilt = try ModuleRegistry.decode(decoded)
        #expect(type(of: rebuilt) == type(of: layer))
        #expect(rebuilt.description == layer.description)
        #expect(try rebuilt.describe() == spec)
        #expect(rebuilt.stateDict().mapValues(\.shape) == layer.stateDict().mapValues(\.shape))
    }

    @Test("A Dropout probability is written as its shortest decimal")
    func dropoutProbabilityJSON() throws {
        let json = String(decoding: try JSONEncoder().encode(Dropout(0.1).describe()), as: UTF8.self)
        #expect(json.contains("0.1") && !json.contains("0.100"))
    }

    @Test("A Sequential spec lists its children in order")
    func sequentialSpec() throws {
        let spec = try Sequential(Linear(2, 3), ReLU()).describe()
        #expect(spec.type == "Sequential")
        #expect(spec.children.map(\.type) == ["Linear", "ReLU"])
    }

    static let invalidSpecs = [
        ModuleCase("Conv2d with stride 0") {
            let arguments: [String: SpecValue] = [
                "inChannels": .int(1), "outChannels": .int(2), "kernelSize": .int(3), "stride": .int(0),
                "padding": .int(0), "bias": .bool(true),
            ]
            return try Conv2d(spec: ModuleSpec(type: "Conv2d", arguments: arguments))
        },
        ModuleCase("Conv2d without most arguments") {
            try Conv2d(spec: ModuleSpec(type: "Conv2d", arguments: ["inChannels": .int(1)]))
        },
        ModuleCase("MaxPool2d with kernel size 0") {
            try MaxPool2d(spec: ModuleSpec(type: "MaxPool2d", arguments: ["kernelSize": .int(0), "stride": .int(1)]))
        },
        ModuleCase("Dropout with probability 1.5") {
            try Dropout(spec: ModuleSpec(type: "Dropout", arguments: ["probability": .double(1.5)]))
        },
        ModuleCase("Softmax with a string axis") {
            try Softmax(spec: ModuleSpec(type: "Softmax", arguments: ["axis": .string("last")]))
        },
        ModuleCase("Flatten without its axis") { try Flatten(spec: ModuleSpec(type: "Flatten")) },
    ]

    @Test("Invalid arguments in a spec throw instead of stopping the program", arguments: invalidSpecs)
    func invalidSpec(_ spec: ModuleCase) {
        #expect(throws: ModelFileError.self) { try spec.make() }
    }

    @Test("A module that cannot be described makes its container fail to describe")
    func undescribableChild() {
        #expect(throws: ModuleError.notDescribable("UndescribableLayer")) {
            try Sequential(ReLU(), UndescribableLayer()).describe()
        }
    }
}

/// A custom layer that does not override `describe()`.
private final class UndescribableLayer: Module {
    override func forward(_ input: Tensor) throws -> Tensor { input }
}

@Suite("Layers: autograd matches finite differences")
struct LayerGradientTests {
    @Test("Linear", arguments: [[5, 4], [2, 3, 4], [4]])
    func linear(inputShape: [Int]) throws {
        try GradientCheck.expectGradientsMatch(withFixedParameters(Linear(4, 3)), input: CheckInputs.any(inputShape))
        try GradientCheck.expectGradientsMatch(
            withFixedParameters(Linear(4, 2, bias: false)), input: CheckInputs.any(inputShape))
    }

    @Test(
        "Conv2d",
        arguments: [
            // in, out, kernel, stride, padding
            [1, 2, 3, 1, 0], [3, 2, 3, 1, 1], [2, 3, 3, 2, 1], [2, 2, 2, 2, 0],
        ], [true, false])
    func conv2d(geometry: [Int], bias: Bool) throws {
        let layer = Conv2d(
            geometry[0], geometry[1], kernelSize: geometry[2], stride: geometry[3], padding: geometry[4], bias: bias)
        try GradientCheck.expectGradientsMatch(
            withFixedParameters(layer), input: CheckInputs.any([2, geometry[0], 5, 6]))
    }

    static let parameterFreeLayers = [
        ModuleCase { MaxPool2d(kernelSize: 2) }, ModuleCase { MaxPool2d(kernelSize: 3, stride: 2) },
        ModuleCase { Flatten() }, ModuleCase { ReLU() }, ModuleCase { Sigmoid() }, ModuleCase { Tanh() },
        ModuleCase { Softmax(axis: 0) }, ModuleCase { LogSoftmax() },
    ]
    /// One input per layer above: away from the kinks of pooling and ReLU, scaled into the
    /// curved part of the smooth functions.
    static let parameterFreeInputs: [@Sendable () throws -> Tensor] = [
        { try CheckInputs.distinct([2, 2, 4, 5]) }, { try CheckInputs.distinct([1, 2, 7, 5]) },
        { CheckInputs.any([2, 3, 4]) }, { try CheckInputs.distinct([3, 4]) }, { CheckInputs.any([3, 4]) * 3 },
        { CheckInputs.any([3, 4]) * 2 }, { CheckInputs.any([3, 4]) * 3 }, { CheckInputs.any([3, 4]) * 3 },
    ]

    @Test("Parameter-free layers", arguments: zip(parameterFreeLayers, parameterFreeInputs))
    func parameterFree(_ layer: ModuleCase, input: @Sendable () throws -> Tensor) throws {
        try GradientCheck.expectGradientsMatch(layer.make(), input: input())
    }

    @Test("Dropout in evaluation mode")
    func dropoutEvaluation() throws {
        let layer = Dropout(0.5)
        layer.eval()
        try GradientCheck.expectGradientsMatch(layer, input: CheckInputs.any([4, 5]))
    }

    @Test("Sequential: an MLP and a CNN, with respect to input and every parameter")
    func sequential() throws {
        let mlp = Sequential(Linear(4, 6), Tanh(), Linear(6, 3), LogSoftmax())
        try GradientCheck.expectGradientsMatch(withFixedParameters(mlp), input: CheckInputs.any([5, 4]))
        // Pooling comes first, on inputs 0.025 apart: perturbing a weight then cannot change which
        // value wins a window, as it could for pooling after a convolution (a kink, not an error).
        let cnn = Sequential(
            MaxPool2d(kernelSize: 2), Conv2d(1, 3, kernelSize: 3, padding: 1), Tanh(), Flatten(), Linear(48, 2))
        let images = try CheckInputs.distinct([2, 1, 8, 8]) * 0.25
        try GradientCheck.expectGradientsMatch(withFixedParameters(cnn, seed: 20), input: images)
    }
}
