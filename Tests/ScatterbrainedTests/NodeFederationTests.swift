import Scatterbrained
import Testing

/// Federation over real TCP in one process: nodes with loopback-scoped discovery train label-skewed digits
/// shards with synchronous FedAvg rounds, and are checked against the same federation run without a network.
@Suite("Node: federated digits over TCP", .timeLimit(.minutes(2)))
struct NodeFederationTests {
    @Test("Four nodes on Dirichlet(0.5) shards reach centralized FedAvg's accuracy and beat training alone")
    func fourNodesMatchCentralizedFedAvg() async throws {
        let data = try DigitsFixture(clients: 4, seed: 5)
        let epochs = 20
        let optimizer: OptimizerFactory = { SGD($0.parameters, learningRate: 0.05, momentum: 0.9) }
        let runs = try await trainTogether(
            loaders: data.loaders(), optimizers: Array(repeating: optimizer, count: 4), epochs: epochs,
            validation: data.test)

        let reference = try centralizedFedAvg(data, rounds: epochs, optimizer: optimizer)
        let alone = try data.clients.indices.map { index in
            let model = DigitsFixture.model()
            let loader = data.loaders()[index]
            let optimizer = optimizer(model)
            for _ in 1...epochs { _ = try model.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss) }
            return try data.accuracy(model)
        }
        let accuracies = runs.map { $0.report.epochs.last?.validation?.accuracy ?? 0 }
        for (index, run) in runs.enumerated() {
            let others = Set(runs.map(\.id)).subtracting([run.id])
            #expect(
                run.report.epochs.allSatisfy { Set($0.mergedWith) == others },
                "node \(index) merged with \(run.report.epochs.map(\.mergedWith.count)) peers per round, not 3")
            #expect(accuracies[index] >= 0.90, "node \(index): \(accuracies[index])")
            #expect(
                abs(accuracies[index] - reference) <= 0.02, "node \(index): \(accuracies[index]), FedAvg \(reference)")
            #expect(alone[index] < accuracies[index] - 0.05, "alone on shard \(index): \(alone[index])")
        }
        print("four nodes over TCP: \(accuracies), centralized FedAvg \(reference), each alone \(alone)")
    }

    @Test("Nodes with different optimizers (SGD with momentum, AdamW) share each round's merged model and improve")
    func differentOptimizersTrainTogether() async throws {
        let data = try DigitsFixture(clients: 2, seed: 11)
        let optimizers: [OptimizerFactory] = [
            { SGD($0.parameters, learningRate: 0.05, momentum: 0.9) },
            { AdamW($0.parameters, learningRate: 0.005) },
        ]
        let start = try data.accuracy(DigitsFixture.model())
        let runs = try await trainTogether(
            loaders: data.loaders(), optimizers: optimizers, epochs: 6, validation: data.test)

        #expect(runs[0].report.epochs.map(\.mergedWith) == Array(repeating: [runs[1].id], count: 6))
        #expect(runs[1].report.epochs.map(\.mergedWith) == Array(repeating: [runs[0].id], count: 6))
        // Both evaluate the round's merged model on the same test set: the same loss after every round.
        for (ours, theirs) in zip(runs[0].report.epochs, runs[1].report.epochs) {
            let difference = abs((ours.validation?.loss ?? 0) - (theirs.validation?.loss ?? 1))
            #expect(difference < 1e-4, "round \(ours.epoch): validation losses differ by \(difference)")
        }
        #expect(runs[0].final.state.keys.sorted() == runs[1].final.state.keys.sorted())
        for (name, tensor) in runs[0].final.state {
            let other = try #require(runs[1].final.state[name])
            let difference = zip(tensor.scalars, other.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(difference < 1e-5, "\(name) differs by \(difference) after the last round")
        }
        let accuracies = runs.map { $0.report.epochs.last?.validation?.accuracy ?? 0 }
        for (index, accuracy) in accuracies.enumerated() {
            #expect(accuracy > start + 0.3, "node \(index): from \(start) to \(accuracy)")
        }
        print("SGD with momentum and AdamW over TCP: from \(start) to \(accuracies)")
    }
}

/// What one node of ``trainTogether(loaders:optimizers:epochs:validation:)`` did.
private struct NodeRun: Sendable {
    var id: NodeID
    var report: TrainingReport
    var final: ModelSnapshot
}

/// Runs one node per loader, each opening a namespace of a fresh name with the same seeded model and its
/// own optimizer, waiting until it knows all the others, then training `epochs` epochs with synchronous
/// FedAvg rounds. Results in loader order.
private func trainTogether(
    loaders: [DataLoader], optimizers: [OptimizerFactory], epochs: Int, validation: TensorDataset
) async throws -> [NodeRun] {
    let name = uniqueNamespace()
    let testLoader = DataLoader(validation, batchSize: 256)
    // A round closes as soon as every model arrived; the timeout only matters if one never does.
    let exchange = Exchange.synchronous(timeout: .seconds(10))
    return try await withThrowingTaskGroup(of: (Int, NodeRun).self) { group in
        for index in loaders.indices {
            group.addTask {
                try await Node.run(Node.Configuration(discovery: .loopback)) { node in
                    try await node.namespace(name, model: DigitsFixture.model(), optimizer: optimizers[index]) {
                        (ns: Namespace) async throws -> (Int, NodeRun) in
                        try await waitForPeers(ns, count: loaders.count - 1)
                        let report = try await ns.train(
                            epochs: epochs, train: loaders[index], validation: testLoader, loss: crossEntropyLoss,
                            exchange: exchange)
                        return (index, NodeRun(id: node.id, report: report, final: try #require(ns.snapshot)))
                    }
                }
            }
        }
        var runs: [Int: NodeRun] = [:]
        for try await (index, run) in group { runs[index] = run }
        return loaders.indices.map { runs[$0]! }
    }
}

/// The same federation without a network: each client keeps its module and optimizer (as a node does),
/// starts every round from the global model, trains one epoch, and the global model becomes the FedAvg
/// of the clients'. Returns the global model's final test accuracy.
private func centralizedFedAvg(_ data: DigitsFixture, rounds: Int, optimizer: OptimizerFactory) throws -> Float {
    let global = DigitsFixture.model()
    let clients = data.clients.map { _ in DigitsFixture.model() }
    let optimizers = clients.map(optimizer)
    let loaders = data.loaders()
    let server = nodeID(0)
    let graph = Topology.fullyConnected.graph(members: [server])
    for round in 1...rounds {
        var states: [ModelState] = []
        for index in clients.indices {
            try ModelParameters(global).load(into: clients[index])
            _ = try clients[index].trainEpoch(loaders[index], optimizer: optimizers[index], loss: crossEntropyLoss)
            states.append(
                ModelState(
                    ModelParameters(clients[index]), sampleCount: data.clients[index].count, round: round,
                    origin: nodeID(UInt8(index + 1))))
        }
        let merged = try FedAvg().aggregate(
            states, context: AggregationContext(node: server, round: round, graph: graph))
        try merged.load(into: global)
    }
    return try data.accuracy(global)
}
