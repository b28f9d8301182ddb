import Scatterbrained

/// What a node trains on and with: its share of a built-in data set, the validation part, the model
/// a namespace starts from, the optimizer and the loss.
struct Workload {
    /// The node's training batches: the whole training part, or one shard of it.
    var train: DataLoader
    /// The validation part, the same on every node.
    var validation: DataLoader
    /// The validation features, for the predictions in `model` and `synced` lines.
    var features: Tensor
    var loss: LossFunction
    /// The model a namespace starts from; the same weights for the same seed on every node.
    var makeModel: @Sendable () -> Module
    var optimizer: OptimizerFactory

    /// The quickstart's regression: diabetes, 80/20 split, batches of 32, Linear(10, 1), AdamW.
    static func diabetes(seed: UInt64, shard: Shard?, optimizer: OptimizerChoice) throws -> Workload {
        let (trainSet, validSet) = try Datasets.diabetes().split(testFraction: 0.2, seed: seed)
        // Regression targets have no classes to skew by: shards are an IID cut.
        let part = try shard.map { shard in
            trainSet.subset(try Partitioner.iid(count: trainSet.count, parts: shard.count, seed: seed)[shard.index - 1])
        }
        return Workload(
            train: DataLoader(part ?? trainSet, batchSize: 32, shuffle: true, seed: seed &+ UInt64(shard?.index ?? 0)),
            validation: DataLoader(validSet, batchSize: 32), features: validSet.features, loss: mseLoss,
            makeModel: { GlobalRandom.withSeed(seed) { Linear(10, 1) } },
            optimizer: optimizer.factory(default: .adamW, learningRates: [.adamW: 1e-3, .sgd: 0.01]))
    }

    /// Handwritten digits scaled to [0, 1], a stratified 80/20 split, the training part cut into
    /// label-skewed Dirichlet(0.5) shards; the README's MLP 64-64-10 with SGD (momentum 0.9).
    static func digits(seed: UInt64, shard: Shard?, optimizer: OptimizerChoice) throws -> Workload {
        let digits = try Datasets.digits()
        let scaled = TensorDataset(features: digits.features / 16, targets: digits.targets)
        let (trainSet, testSet) = scaled.split(testFraction: 0.2, seed: seed, stratified: true)
        let part = try shard.map { shard in
            let parts = try Partitioner.dirichlet(
                labels: trainSet.classLabels, parts: shard.count, alpha: 0.5, seed: seed)
            return trainSet.subset(parts[shard.index - 1])
        }
        return Workload(
            train: DataLoader(part ?? trainSet, batchSize: 32, shuffle: true, seed: seed &+ UInt64(shard?.index ?? 0)),
            validation: DataLoader(testSet, batchSize: 256), features: testSet.features, loss: crossEntropyLoss,
            makeModel: { GlobalRandom.withSeed(seed) { Sequential(Linear(64, 64), ReLU(), Linear(64, 10)) } },
            optimizer: optimizer.factory(default: .sgd, learningRates: [.sgd: 0.05, .adamW: 0.005]))
    }
}

/// One part of a data set's training part: `index` of `count`, from 1, as `--shard 2/3` writes it.
struct Shard: Equatable {
    var index: Int
    var count: Int

    /// Parses `i/n` with 1 ≤ i ≤ n.
    init(parsing text: String) throws {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let index = Int(pieces[0]), let count = Int(pieces[1]), (1...count).contains(index)
        else {
            throw UsageError(description: "--shard is i/n with 1 ≤ i ≤ n (as in 2/3), not '\(text)'")
        }
        self.index = index
        self.count = count
    }
}

/// The optimizer named on the command line, with the data set's defaults for what was left out.
struct OptimizerChoice {
    enum Kind: String {
        /// SGD, with momentum 0.9.
        case sgd
        /// AdamW with its default betas and weight decay.
        case adamW = "adamw"
    }

    var kind: Kind?
    var learningRate: Float?

    /// The factory for the chosen optimizer, or `defaultKind`, with the chosen learning rate or the one
    /// `learningRates` gives for the kind (what suits it on the data set).
    func factory(default defaultKind: Kind, learningRates: [Kind: Float]) -> OptimizerFactory {
        let kind = kind ?? defaultKind
        let rate = learningRate ?? learningRates[kind] ?? 0.01
        switch kind {
        case .sgd: return { model in SGD(model.parameters, learningRate: rate, momentum: 0.9) }
        case .adamW: return { model in AdamW(model.parameters, learningRate: rate) }
        }
    }
}
