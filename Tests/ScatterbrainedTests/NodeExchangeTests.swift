import Scatterbrained
import Testing

/// Training with synchronous rounds over TCP: after every epoch, the namespace's nodes exchange their
/// models and continue from the FedAvg aggregate.
@Suite("Node: federated exchange while training", .timeLimit(.minutes(1)))
struct NodeExchangeTests {
    @Test("Two nodes training on different halves end every round with the same aggregated model")
    func twoNodesAverageEveryEpoch() async throws {
        let name = uniqueNamespace()
        let (trainSet, _) = try Datasets.diabetes().split(testFraction: 0.2, seed: 42)
        let half = trainSet.count / 2
        let loaders = [Array(0..<half), Array(half..<trainSet.count)].map { indices in
            DataLoader(trainSet.subset(indices), batchSize: 32, shuffle: true)
        }
        let first = try await Node(Node.Configuration(discovery: .loopback))
        let second = try await Node(Node.Configuration(discovery: .loopback))
        try await first.namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (one: Namespace) async throws -> Void in
            try await second.join(name) { (other: Namespace) async throws -> Void in
                try await other.syncModel(timeout: .seconds(10))
                try await waitUntilAcquainted([(one, first.id), (other, second.id)])
                let exchange = Exchange.synchronous(timeout: .seconds(5))
                async let oneReport = one.train(epochs: 3, train: loaders[0], exchange: exchange)
                async let otherReport = other.train(epochs: 3, train: loaders[1], exchange: exchange)
                let reports = try await [oneReport, otherReport]
                #expect(reports[0].epochs.map(\.mergedWith) == Array(repeating: [second.id], count: 3))
                #expect(reports[1].epochs.map(\.mergedWith) == Array(repeating: [first.id], count: 3))
                // One push to the one neighbour per round, each accounted for.
                for report in reports { #expect(report.pushes == PushStatistics(delivered: 3)) }
                #expect(one.pushStatistics == PushStatistics(delivered: 3))
                let ours = try #require(one.snapshot).state
                let theirs = try #require(other.snapshot).state
                #expect(ours.keys.sorted() == theirs.keys.sorted())
                for (name, tensor) in ours {
                    let difference = zip(tensor.scalars, theirs[name]!.scalars).map { abs($0 - $1) }.max() ?? 0
                    #expect(difference < 1e-5, "\(name) differs by \(difference): the rounds did not average")
                }
            }
        }
        await second.shutdown()
        await first.shutdown()
    }

    @Test("A node that only serves costs the training nodes one round's timeout, not one per round")
    func serveOnlyPeerIsWaitedForOnce() async throws {
        let name = uniqueNamespace()
        let loaders = try diabetesHalves()
        let nodes = try await loopbackNodes(3)
        let timeout = Duration.milliseconds(1500)
        let epochs = 5
        try await nodes[0].namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (one: Namespace) async throws -> Void in
            try await nodes[1].join(name) { (other: Namespace) async throws -> Void in
                try await other.syncModel(timeout: .seconds(10))
                // The third node downloads the model and serves it: a member that never trains.
                try await nodes[2].join(name) { (server: Namespace) async throws -> Void in
                    try await server.syncModel(timeout: .seconds(10))
                    try await waitUntilAcquainted([(one, nodes[0].id), (other, nodes[1].id), (server, nodes[2].id)])
                    let exchange = Exchange.synchronous(timeout: timeout)
                    async let oneReport = one.train(epochs: epochs, train: loaders[0], exchange: exchange)
                    async let otherReport = other.train(epochs: epochs, train: loaders[1], exchange: exchange)
                    let reports = try await [oneReport, otherReport]
                    for (index, report) in reports.enumerated() {
                        let partner = nodes[1 - index].id
                        #expect(report.epochs.map(\.mergedWith) == Array(repeating: [partner], count: epochs))
                        // Waiting for it every round would take at least epochs × timeout (7.5 s).
                        #expect(report.duration < timeout * 2, "node \(index) trained for \(report.duration)")
                    }
                }
            }
        }
        for node in nodes.reversed() { await node.shutdown() }
    }
}
