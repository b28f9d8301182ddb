import CSBKernels
import Foundation
import Scatterbrained

/// The learning core's workloads (shared/bench/WORKLOADS.md B, C and F), single-threaded.
enum LearningBenchmarks {
    static func run(repeats: Int) throws -> [String: Any] {
        [
            "sgemm": sgemm(),
            "mlp_784_256_128_10": try mlpThroughput(repeats: repeats),
            "digits_mlp": try digitsMLP(repeats: repeats),
        ]
    }

    /// F: C = A·B for square n, best of 3, in GFLOP/s (2n³ / seconds).
    static func sgemm() -> [String: Any] {
        var figures: [String: Double] = [:]
        for n in [256, 512, 1024] {
            let a = Tensor.uniform([n, n], low: -1, high: 1, seed: 1)
            let b = Tensor.uniform([n, n], low: -1, high: 1, seed: 2)
            _ = a.matmul(b)  // warm caches and scratch buffers
            let best = (0..<3).map { _ in Measurement.seconds { _ = a.matmul(b) } }.min()!
            figures["\(n)"] = Measurement.rounded(2 * Double(n * n * n) / best / 1e9)
        }
        return ["kernel": String(cString: sb_sgemm_kernel()), "gflops": figures]
    }

    /// C: MLP 784-256-128-10 on synthetic data (10,000 × 784, 10 classes), SGD lr 0.01, batch 64;
    /// each run is one warm-up epoch and three timed ones. Also inference at batch 256.
    static func mlpThroughput(repeats: Int) throws -> [String: Any] {
        let samples = 10_000
        let features = Tensor.randn([samples, 784], seed: 3)
        let labels = Tensor((0..<samples).map { Float($0 % 10) })
        let loader = DataLoader(
            TensorDataset(features: features, targets: labels), batchSize: 64, shuffle: true, seed: 4)
        var trainingRates: [Double] = []
        var inferenceRates: [Double] = []
        for _ in 0..<repeats {
            let mlp = Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
            let optimizer = SGD(mlp.parameters, learningRate: 0.01)
            _ = try mlp.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss)
            let seconds = try Measurement.seconds {
                for _ in 0..<3 { _ = try mlp.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss) }
            }
            trainingRates.append(Double(3 * samples) / seconds)

            let batch = features[0..<256]
            let inferenceSeconds = withNoGrad { Measurement.seconds { for _ in 0..<40 { _ = mlp(batch) } } }
            inferenceRates.append(Double(40 * 256) / inferenceSeconds)
        }
        return [
            "train_samples_per_s": Measurement.rounded(Measurement.median(trainingRates), places: 0),
            "train_runs": trainingRates.map { Measurement.rounded($0, places: 0) },
            "inference_samples_per_s_batch_256": Measurement.rounded(Measurement.median(inferenceRates), places: 0),
        ]
    }

    /// B: digits MLP 64-64-10, pixels / 16, stratified 80/20 split, SGD lr 0.05 momentum 0.9, batch 32;
    /// each run times five epochs of training after one warm-up epoch.
    static func digitsMLP(repeats: Int) throws -> [String: Any] {
        let digits = try Datasets.digits()
        let (trainSet, testSet) = TensorDataset(features: digits.features / 16, targets: digits.targets)
            .split(testFraction: 0.2, seed: 42, stratified: true)
        let loader = DataLoader(trainSet, batchSize: 32, shuffle: true, seed: 5)
        var rates: [Double] = []
        var accuracies: [Double] = []
        for run in 0..<repeats {
            GlobalRandom.manualSeed(UInt64(run))
            let mlp = Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
            let optimizer = SGD(mlp.parameters, learningRate: 0.05, momentum: 0.9)
            _ = try mlp.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss)
            let seconds = try Measurement.seconds {
                for _ in 0..<5 { _ = try mlp.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss) }
            }
            rates.append(Double(5 * trainSet.count) / seconds)
            for _ in 0..<14 { _ = try mlp.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss) }
            let accuracy = try mlp.evaluate(DataLoader(testSet, batchSize: 256), loss: crossEntropyLoss).accuracy
            accuracies.append(Double(accuracy ?? .nan))
        }
        return [
            "train_samples_per_s": Measurement.rounded(Measurement.median(rates), places: 0),
            "train_runs": rates.map { Measurement.rounded($0, places: 0) },
            "test_accuracy_after_20_epochs": accuracies.map { Measurement.rounded($0, places: 4) },
        ]
    }
}
