import Foundation
import Scatterbrained

/// The demo's third part: federated learning proper. Three nodes in this process (loopback-scoped
/// discovery) each hold a label-skewed third of the digits training set, train in one namespace with a
/// synchronous FedAvg round after every epoch, and are compared with the same nodes trained alone.
enum DemoFederatedDigits {
    static func run(seed: UInt64) async throws {
        print("\nfederated learning: three nodes, each with a label-skewed third of digits, FedAvg after every epoch\n")
        let digits = try Datasets.digits()
        let scaled = TensorDataset(features: digits.features / 16, targets: digits.targets)
        let (trainSet, testSet) = scaled.split(testFraction: 0.2, seed: seed, stratified: true)
        let shards = trainSet.partitioned(
            try Partitioner.dirichlet(labels: trainSet.classLabels, parts: 3, alpha: 0.5, seed: seed))
        let testLoader = DataLoader(testSet, batchSize: 256)
        let epochs = 20
        let makeModel: @Sendable () -> Module = {
            GlobalRandom.withSeed(seed) { Sequential(Linear(64, 64), ReLU(), Linear(64, 10)) }
        }
        let createOptimizer: OptimizerFactory = { SGD($0.parameters, learningRate: 0.05, momentum: 0.9) }
        let name = "demo-digits-\(ProcessInfo.processInfo.processIdentifier)"

        let clock = ContinuousClock()
        var together: [(node: String, accuracy: Float, merged: Int)] = []
        let elapsed = try await clock.measure {
            together = try await withThrowingTaskGroup { group in
                for (index, shard) in shards.enumerated() {
                    group.addTask {
                        try await trainTogether(
                            name: name, shard: shard, index: index, peers: shards.count - 1, epochs: epochs,
                            model: makeModel(), optimizer: createOptimizer, test: testLoader, seed: seed)
                    }
                }
                var results: [(index: Int, node: String, accuracy: Float, merged: Int)] = []
                for try await result in group { results.append(result) }
                return results.sorted { $0.index < $1.index }.map { ($0.node, $0.accuracy, $0.merged) }
            }
        }
        for (index, shard) in shards.enumerated() {
            let alone = makeModel()
            let optimizer = createOptimizer(alone)
            let loader = DataLoader(shard, batchSize: 32, shuffle: true, seed: seed &+ UInt64(index))
            for _ in 0..<epochs { _ = try alone.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss) }
            let aloneAccuracy = try alone.evaluate(testLoader, loss: crossEntropyLoss).accuracy ?? .nan
            let result = together[index]
            print(
                "  node \(result.node) (\(shard.count) images): test accuracy \(format(result.accuracy))"
                    + " federated, \(format(aloneAccuracy)) alone; \(result.merged) of \(epochs) rounds merged both peers"
            )
        }
        print("  \(epochs) federated epochs in \(String(format: "%.2f s", elapsed.seconds)), including discovery")
    }

    /// One node: opens the namespace, waits for its peers, trains with synchronous FedAvg rounds.
    private static func trainTogether(
        name: String, shard: TensorDataset, index: Int, peers: Int, epochs: Int, model: Module,
        optimizer: @escaping OptimizerFactory, test: DataLoader, seed: UInt64
    ) async throws -> (index: Int, node: String, accuracy: Float, merged: Int) {
        try await Node.run(Node.Configuration(discovery: .loopback)) { node in
            try await node.namespace(name, model: model, optimizer: optimizer) { ns in
                let deadline = ContinuousClock.now + .seconds(10)
                while ns.peers.count < peers {
                    guard ContinuousClock.now < deadline else {
                        throw DemoError(
                            description: "node \(node.id) found \(ns.peers.count) of \(peers) peers in 10 s")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let loader = DataLoader(shard, batchSize: 32, shuffle: true, seed: seed &+ UInt64(index))
                let report = try await ns.train(
                    epochs: epochs, train: loader, validation: test, loss: crossEntropyLoss,
                    exchange: .synchronous(timeout: .seconds(10)))
                let merged = report.epochs.filter { $0.mergedWith.count == peers }.count
                let accuracy = report.epochs.last?.validation?.accuracy ?? .nan
                return (index, String(node.id.description.prefix(8)), accuracy, merged)
            }
        }
    }

    private static func format(_ value: Float) -> String { String(format: "%.3f", Double(value)) }
}

/// A demo step that could not be completed, with the reason.
struct DemoError: Error, CustomStringConvertible {
    let description: String
}
