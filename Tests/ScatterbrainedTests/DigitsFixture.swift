import Scatterbrained

/// Digits scaled to [0, 1], split 80/20, the training part cut into label-skewed client shards.
struct DigitsFixture {
    let clients: [TensorDataset]
    let test: TensorDataset

    init(clients count: Int, seed: UInt64) throws {
        let digits = try Datasets.digits()
        let scaled = TensorDataset(features: digits.features / 16, targets: digits.targets)
        let (train, test) = scaled.split(testFraction: 0.2, seed: seed, stratified: true)
        clients = train.partitioned(
            try Partitioner.dirichlet(labels: train.classLabels, parts: count, alpha: 0.5, seed: seed))
        self.test = test
    }

    /// The same small MLP on every call with the same seed.
    static func model(seed: UInt64 = 7) -> Module {
        GlobalRandom.withSeed(seed) { Sequential(Linear(64, 32), ReLU(), Linear(32, 10)) }
    }

    /// A fresh, seeded loader per client, so two runs see the same batches in the same order.
    func loaders() -> [DataLoader] {
        clients.enumerated().map { DataLoader($1, batchSize: 32, shuffle: true, seed: 100 + UInt64($0)) }
    }

    /// One local epoch of plain SGD from the model's current weights, as in workload D.
    static func trainEpoch(_ model: Module, on loader: DataLoader) throws {
        _ = try model.trainEpoch(loader, optimizer: SGD(model.parameters, learningRate: 0.05), loss: crossEntropyLoss)
    }

    func accuracy(_ model: Module) throws -> Float {
        try model.evaluate(DataLoader(test, batchSize: 256), loss: crossEntropyLoss).accuracy!
    }
}
