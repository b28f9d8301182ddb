import Foundation
import Scatterbrained
import Testing

/// A custom layer unknown to the library: multiplies each feature by a learned factor.
private final class Scale: Module, DecodableModule {
    static let specType = "SBLearningTests.Scale"
    let features: Int
    let factor: Parameter

    init(features: Int) {
        self.features = features
        factor = Parameter(.uniform([features], low: 0.5, high: 2))
    }

    convenience init(spec: ModuleSpec) throws {
        self.init(features: try spec.int("features"))
    }

    override func describe() throws -> ModuleSpec {
        ModuleSpec(type: Self.specType, arguments: ["features": .int(features)])
    }

    override func forward(_ input: Tensor) throws -> Tensor { input * factor.value }
}

/// Two unrelated layers registered under one name, to show that the later registration wins.
private final class FirstClaimant: Module, DecodableModule {
    static let specType = "SBLearningTests.Contested"
    override init() {}
    convenience init(spec: ModuleSpec) throws { self.init() }
    override func forward(_ input: Tensor) throws -> Tensor { input }
}

private final class SecondClaimant: Module, DecodableModule {
    static let specType = FirstClaimant.specType
    override init() {}
    convenience init(spec: ModuleSpec) throws { self.init() }
    override func forward(_ input: Tensor) throws -> Tensor { input }
}

/// The bit patterns of every parameter, so that comparisons cannot be fooled by -0 == 0 or NaN.
private func parameterBits(_ model: Module) -> [String: [UInt32]] {
    model.stateDict().mapValues { $0.scalars.map(\.bitPattern) }
}

private func outputBits(_ model: Module, _ input: Tensor) throws -> [UInt32] {
    try model.forward(input).scalars.map(\.bitPattern)
}

/// A fresh directory under the system's temporary directory, removed when `body` returns.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appending(path: "sb-modelfiles-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

@Suite("Model files: architecture JSON, weights and the module registry")
struct ModelFileTests {
    static func mlp() -> Sequential { Sequential(Linear(64, 64), ReLU(), Linear(64, 10)) }

    static func cnn() -> Sequential {
        Sequential(
            Conv2d(1, 4, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(kernelSize: 2), Flatten(), Linear(4 * 4 * 4, 10))
    }

    @Test("An MLP survives the in-memory encoding bit for bit: parameters and outputs")
    func mlpRoundTripInMemory() throws {
        let model = Self.mlp()
        let snapshot = try ModelSnapshot(model)
        let decoded = try ModelSnapshot(
            architectureJSON: snapshot.architectureJSON(), weightsSafetensors: snapshot.weightsSafetensors())
        #expect(decoded == snapshot)
        let restored = try decoded.makeModule()
        #expect(restored is Sequential)
        #expect(parameterBits(restored) == parameterBits(model))
        let input = Tensor.randn([8, 64], seed: 3)
        #expect(try outputBits(restored, input) == outputBits(model, input))
    }

    @Test("A small CNN survives save(to:) and load(from:) bit for bit")
    func cnnRoundTripThroughFiles() throws {
        let model = Self.cnn()
        let restored = try withTemporaryDirectory { directory in
            try model.save(to: directory)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(files == [ModelSnapshot.architectureFileName, ModelSnapshot.weightsFileName])
            return try Sequential.load(from: directory)
        }
        #expect(restored.description == model.description)
        #expect(Set(restored.stateDict().keys) == ["0.weight", "0.bias", "4.weight", "4.bias"])
        #expect(parameterBits(restored) == parameterBits(model))
        let input = Tensor.randn([2, 1, 8, 8], seed: 5)
        #expect(try outputBits(restored, input) == outputBits(model, input))
    }

    @Test("The architecture JSON is versioned, readable, and rebuilds the same description")
    func architectureJSONDescribesTheModel() throws {
        let model = Sequential(Self.cnn(), Dropout(0.25), Sigmoid(), Tanh(), Softmax(), LogSoftmax(axis: 1))
        let json = try ModelSnapshot(model).architectureJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format"] as? String == ModelSnapshot.architectureFormat)
        #expect(object["formatVersion"] as? Int == ModelSnapshot.architectureFormatVersion)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\n  \"architecture\" : {"), "pretty-printed, keys sorted: \(text.prefix(80))")

        let spec = try ModelSnapshot.decodeArchitecture(json)
        #expect(spec == (try model.describe()))
        let rebuilt = try ModuleRegistry.decode(spec)
        #expect(try rebuilt.describe() == spec)
        #expect(rebuilt.description == model.description)
    }

    @Test("Every built-in layer is registered under its spec type")
    func builtInLayersAreRegistered() {
        let names = ModuleRegistry.builtInTypes.map { $0.specType }
        #expect(
            Set(names) == [
                "Linear", "Conv2d", "MaxPool2d", "Flatten", "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
                "Dropout", "Sequential",
            ])
        #expect(names.count == 11)
        #expect(Set(names).isSubset(of: ModuleRegistry.registeredTypeNames))
    }

    @Test("A custom layer is unknown until registered, then round-trips")
    func customLayerNeedsRegistration() throws {
        let model = Sequential(Linear(3, 4), Scale(features: 4))
        let snapshot = try ModelSnapshot(
            architectureJSON: ModelSnapshot(model).architectureJSON(),
            weightsSafetensors: ModelSnapshot(model).weightsSafetensors())
        #expect(throws: ModelFileError.unknownModuleType(Scale.specType)) { try snapshot.makeModule() }

        ModuleRegistry.register(Scale.self)
        #expect(ModuleRegistry.registeredTypeNames.contains(Scale.specType))
        let restored = try snapshot.makeModule()
        #expect(parameterBits(restored) == parameterBits(model))
        #expect(restored.stateDict().keys.contains("1.factor"))
        let input = Tensor.randn([5, 3], seed: 9)
        #expect(try outputBits(restored, input) == outputBits(model, input))
    }

    @Test("Registering a name again replaces the earlier type")
    func registrationReplaces() throws {
        let spec = ModuleSpec(type: FirstClaimant.specType)
        ModuleRegistry.register(FirstClaimant.self)
        #expect(try ModuleRegistry.decode(spec) is FirstClaimant)
        ModuleRegistry.register(SecondClaimant.self)
        #expect(try ModuleRegistry.decode(spec) is SecondClaimant)
    }

    @Test("The registry takes concurrent registrations and decodes")
    func registryIsThreadSafe() async throws {
        let spec = try Self.mlp().describe()
        let decodedCount = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    var decoded = 0
                    for _ in 0..<50 {
                        if index.isMultiple(of: 2) { ModuleRegistry.register(Linear.self) }
                        decoded += try ModuleRegistry.decode(spec) is Sequential ? 1 : 0
                    }
                    return decoded
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(decodedCount == 400)
    }

    @Test("Weights that do not fit the architecture are rejected when the module is made")
    func mismatchedWeights() throws {
        let snapshot = try ModelSnapshot(Self.mlp())
        var missing = snapshot
        missing.state["2.bias"] = nil
        #expect(throws: ModuleError.missingParameter("2.bias")) { try missing.makeModule() }
        var reshaped = snapshot
        reshaped.state["0.bias"] = Tensor.zeros([63])
        #expect(throws: ModuleError.parameterShapeMismatch(name: "0.bias", expected: [64], got: [63])) {
            try reshaped.makeModule()
        }
    }

    @Test(
        "Malformed architecture documents are rejected with the reason",
        arguments: [
            ("[1, 2]", "not a JSON object"),
            ("{\"format\": \"other\", \"formatVersion\": 1}", "not a Scatterbrained model architecture"),
            ("{\"format\": \"scatterbrained.model\", \"formatVersion\": 2}", "format version 2 is not supported"),
            ("{\"format\": \"scatterbrained.model\", \"formatVersion\": 1}", "architecture: missing"),
            (
                "{\"format\": \"scatterbrained.model\", \"formatVersion\": 1, \"architecture\": {\"type\": 3}}",
                "architecture.type"
            ),
        ])
    func malformedArchitecture(json: String, expected: String) {
        let error = #expect(throws: ModelFileError.self) { try ModelSnapshot.decodeArchitecture(Data(json.utf8)) }
        guard case .invalidArchitecture(let reason)? = error else {
            Issue.record("expected invalidArchitecture, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(expected), "'\(reason)' should contain '\(expected)'")
    }

    @Test("Loading names the missing file, and a model of another type than requested")
    func loadingErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = #expect(throws: ModelFileError.self) { try Module.load(from: directory) }
            guard case .fileAccess(let path, _)? = missing else {
                Issue.record("expected fileAccess, got \(String(describing: missing))")
                return
            }
            #expect(path.hasSuffix(ModelSnapshot.architectureFileName))
            try Linear(2, 3).save(to: directory)
            #expect(try Module.load(from: directory) is Linear)
            let wrongType = #expect(throws: ModelFileError.self) { try Sequential.load(from: directory) }
            #expect(wrongType?.description.contains("holds a Linear, not a Sequential") == true)
        }
    }

    @Test("A module that cannot describe itself cannot be saved")
    func undescribableModule() {
        final class Opaque: Module {
            override func forward(_ input: Tensor) throws -> Tensor { input }
        }
        #expect(throws: ModuleError.notDescribable("Opaque")) { try ModelSnapshot(Sequential(Opaque())) }
    }
}
