import Foundation
import Scatterbrained

/// `scatterbrained demo`: the quickstart run and reported — the plain-ML step, then steps 2 and 3
/// (namespace, train, serve; join, sync) between two nodes in this process, then three nodes learning
/// digits together; all over loopback-scoped discovery.
enum DemoCommand {
    static func run(_ arguments: ArraySlice<String>) async throws {
        let options = try Options(arguments, known: ["epochs", "seed"])
        let seed = UInt64(try options.int("seed", default: 42))
        GlobalRandom.manualSeed(seed)

        print("Scatterbrained demo — step 1 of the quickstart: plain ML\n")
        try diabetesRegression(epochs: try options.int("epochs", default: 200), seed: seed)
        try digitsClassifier(seed: seed)
        try await DemoFederation.run(seed: seed)
        try await DemoFederatedDigits.run(seed: seed)
    }

    /// The quickstart's regression: diabetes, 80/20 split, batches of 32, Linear(10, 1), AdamW.
    private static func diabetesRegression(epochs: Int, seed: UInt64) throws {
        let data = try Datasets.diabetes()
        let (trainSet, validSet) = data.split(testFraction: 0.2, seed: seed)
        let trainLoader = DataLoader(trainSet, batchSize: 32, shuffle: true, seed: seed)
        let validLoader = DataLoader(validSet, batchSize: 32, shuffle: true, seed: seed)
        print("diabetes: \(trainSet.count) training and \(validSet.count) validation samples, 10 features")

        let model = Linear(10, 1)
        let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters, learningRate: 0.5, weightDecay: 0) }
        let clock = ContinuousClock()
        var history: [EpochRecord] = []
        let elapsed = try clock.measure {
            history = try model.fit(
                epochs: epochs, train: trainLoader, validation: validLoader, optimizer: createOptimizer(model))
        }
        let mse = history.last?.validation?.loss ?? .nan
        print("  Linear(10, 1), AdamW lr 0.5, \(epochs) epochs: validation MSE \(format(mse)) in \(format(elapsed))")
    }

    /// The digits MLP of the learning-core quickstart, then a save-and-reload round trip.
    private static func digitsClassifier(seed: UInt64) throws {
        let digits = try Datasets.digits()
        let scaled = TensorDataset(features: digits.features / 16, targets: digits.targets)
        let (trainSet, testSet) = scaled.split(testFraction: 0.2, seed: seed, stratified: true)
        let trainLoader = DataLoader(trainSet, batchSize: 32, shuffle: true, seed: seed)
        let testLoader = DataLoader(testSet, batchSize: 256)
        print("\ndigits: \(trainSet.count) training and \(testSet.count) test images, 8x8 pixels, 10 classes")

        let mlp = Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
        let optimizer = SGD(mlp.parameters, learningRate: 0.05, momentum: 0.9)
        let clock = ContinuousClock()
        let epochs = 20
        var history: [EpochRecord] = []
        let elapsed = try clock.measure {
            history = try mlp.fit(
                epochs: epochs, train: trainLoader, validation: testLoader, optimizer: optimizer,
                loss: crossEntropyLoss)
        }
        let accuracy = history.last?.validation?.accuracy ?? .nan
        let samplesPerSecond = Double(trainSet.count * epochs) / elapsed.seconds
        print(
            "  MLP 64-64-10, SGD lr 0.05 momentum 0.9, \(epochs) epochs: test accuracy \(format(accuracy)),"
                + " \(Int(samplesPerSecond)) training samples/s (with evaluation)")

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("scatterbrained-demo-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try mlp.save(to: directory)
        let reloaded = try Module.load(from: directory)
        let identical = withNoGrad { reloaded(testSet.features) == mlp(testSet.features) }
        print("  saved to model.json + model.safetensors and reloaded: predictions identical: \(identical)")
    }

    private static func format(_ value: Float) -> String { String(format: "%.4g", Double(value)) }
    private static func format(_ duration: Duration) -> String { String(format: "%.2f s", duration.seconds) }
}
