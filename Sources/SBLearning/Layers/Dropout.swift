import SBTensor

/// Randomly zeroes values during training to regularise a network (PyTorch's `nn.Dropout`).
///
/// In training mode (the default, see `Module.train(_:)`) each value is zeroed with probability
/// ``probability`` and the others are scaled by 1 / (1 − probability); in evaluation mode
/// (`Module.eval()`) the layer passes its input through unchanged. Masks are drawn from
/// `GlobalRandom`, so `GlobalRandom.manualSeed(_:)` makes a training run reproducible.
///
/// ```swift
/// let model = Sequential(Linear(64, 64), ReLU(), Dropout(0.2), Linear(64, 10))
/// model.eval()              // dropout off for validation
/// ```
public final class Dropout: Module, DecodableModule {
    public static let specType = "Dropout"

    /// The probability of zeroing each value in training mode.
    public let probability: Float

    /// Creates a dropout layer that zeroes values with `probability` (default 0.5).
    ///
    /// - Precondition: `probability` is in `0...1`.
    public init(_ probability: Float = 0.5) {
        require((0...1).contains(probability), "Dropout(\(probability)): probability must be in 0...1")
        self.probability = probability
    }

    public convenience init(spec: ModuleSpec) throws {
        let probability = Float(try spec.double("probability"))
        guard (0...1).contains(probability) else {
            throw ModelFileError.invalidArchitecture("Dropout: probability \(probability) must be in 0...1")
        }
        self.init(probability)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard isTraining else { return input }
        var generator = SeededGenerator(seed: GlobalRandom.nextSeed())
        return input.dropout(probability: probability, using: &generator)
    }

    public override func describe() throws -> ModuleSpec {
        // Through the shortest decimal string, so 0.1 is written as 0.1 rather than as the Double
        // nearest the Float (0.10000000149011612); reading it back gives the same Float.
        let decimal = Double("\(probability)") ?? Double(probability)
        return ModuleSpec(type: Self.specType, arguments: ["probability": .double(decimal)])
    }

    public override var description: String { "Dropout(probability: \(probability))" }
}
