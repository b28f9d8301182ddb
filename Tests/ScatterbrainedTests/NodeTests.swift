import Scatterbrained
import Testing

/// Nodes in one process, finding each other with loopback-scoped discovery: a namespace trains and
/// serves, another node joins it by name and downloads the model.
@Suite("Node and namespace, in one process", .timeLimit(.minutes(1)))
struct NodeTests {
    @Test("A joiner downloads the trained model bit for bit and predicts exactly as the source")
    func joinAndSync() async throws {
        let name = uniqueNamespace()
        let (trainLoader, validLoader) = try diabetesLoaders()
        let source = try await Node(Node.Configuration(discovery: .loopback))
        let joiner = try await Node(Node.Configuration(discovery: .loopback))
        #expect(source.address.ip == .loopbackIPv4 && source.address.port != 0)
        try await source.namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (served: Namespace) async throws -> Void in
            let report = try await served.train(epochs: 3, train: trainLoader, validation: validLoader)
            #expect(report.epochs.map(\.modelVersion) == [2, 3, 4])
            #expect(report.epochs.allSatisfy { $0.validation != nil })
            try await joiner.join(name) { (joined: Namespace) async throws -> Void in
                try await checkSync(joined, from: served, sourceID: source.id, validation: validLoader)
            }
        }
        await joiner.shutdown()
        await source.shutdown()
    }

    @Test("syncModel with no peer in reach throws a timeout error promptly")
    func syncWithoutPeers() async throws {
        let start = ContinuousClock.now
        await #expect(throws: NodeError.self) {
            try await Node.run(Node.Configuration(discovery: .loopback)) { node in
                try await node.join(uniqueNamespace()) { ns in try await ns.syncModel(timeout: .milliseconds(300)) }
            }
        }
        // Far below the default 30 s wait. Starting and stopping the node is inside the time too, and in
        // the first seconds of the parallel suite, when every suite sets up at once, that alone took up
        // to 6 s (0.3 s for the whole test on its own).
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("Node.run shuts the node down when its body throws, releasing the port")
    func runShutsDownOnError() async throws {
        struct Expected: Error {}
        var port: UInt16 = 0
        do {
            try await Node.run(Node.Configuration(discovery: .disabled)) { node in
                port = node.address.port
                throw Expected()
            }
            Issue.record("the body's error was not rethrown")
        } catch is Expected {}
        let again = try await Node(Node.Configuration(port: port, discovery: .disabled))
        #expect(again.address.port == port)
        await again.shutdown()
    }
}

/// Syncs `joined` and checks that it holds `served`'s model bit for bit and predicts the same.
func checkSync(_ joined: Namespace, from served: Namespace, sourceID: NodeID, validation: DataLoader) async throws {
    #expect(joined.model == nil)
    let version = try await joined.syncModel(timeout: .seconds(10))
    #expect(version == served.version)
    let original = try #require(served.snapshot)
    let copy = try #require(joined.snapshot)
    #expect(copy.spec == original.spec)
    #expect(bitPatterns(copy.state) == bitPatterns(original.state))
    let features = validation.dataset.batch(Array(0..<validation.datasetCount)).features
    let sourceModel = try #require(served.model)
    let joinedModel = try #require(joined.model)
    let expected: [Float] = sourceModel(features).scalars
    let predicted: [Float] = joinedModel(features).scalars
    #expect(predicted.map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(joined.peers.map(\.nodeID).contains(sourceID))
    // Nothing newer is around: a second sync keeps the model at once rather than waiting out the timeout.
    let start = ContinuousClock.now
    #expect(try await joined.syncModel(timeout: .seconds(5)) == version)
    #expect(ContinuousClock.now - start < .seconds(2))
}

/// A namespace name no other test (or other test run on this machine) uses, since loopback discovery
/// reaches every node on the host.
func uniqueNamespace() -> String {
    "node-test-\(UInt64.random(in: 0...UInt64.max))"
}

/// The quickstart's data: diabetes, 80/20 split, batches of 32.
func diabetesLoaders() throws -> (train: DataLoader, validation: DataLoader) {
    let (trainSet, validSet) = try Datasets.diabetes().split(testFraction: 0.2, seed: 42)
    return (DataLoader(trainSet, batchSize: 32, shuffle: true), DataLoader(validSet, batchSize: 32))
}

/// The exact bits of every tensor, by name.
func bitPatterns(_ state: [String: Tensor]) -> [String: [UInt32]] {
    state.mapValues { $0.scalars.map(\.bitPattern) }
}

/// A namespace with a secret: only nodes holding the same secret find it and download its model.
@Suite("Node: namespace secrets", .timeLimit(.minutes(1)))
struct NodeSecretTests {
    @Test("A joiner with the wrong secret cannot fetch the model, by discovery or by seed; the right secret can")
    func wrongSecretCannotFetch() async throws {
        let name = uniqueNamespace()
        let secret = "correct horse battery staple"
        let source = try await Node(Node.Configuration(discovery: .loopback, secret: secret))
        try await source.namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (served: Namespace) async throws -> Void in
            for discovery in [Node.Configuration.Discovery.loopback, .seeds([source.address])] {
                let outsider = Node.Configuration(discovery: discovery, secret: "incorrect horse battery staple")
                await #expect(throws: NodeError.self) {
                    try await Node.run(outsider) { node in
                        try await node.join(name) { ns in try await ns.syncModel(timeout: .milliseconds(1500)) }
                    }
                }
            }
            let insider = Node.Configuration(discovery: .seeds([source.address]), secret: secret)
            let version = try await Node.run(insider) { node in
                try await node.join(name) { ns in try await ns.syncModel(timeout: .seconds(10)) }
            }
            #expect(version == served.version)
        }
        await source.shutdown()
    }
}

/// The node keeps answering peers while a namespace trains.
@Suite("Node: serving while training", .timeLimit(.minutes(1)))
struct NodeServingTests {
    @Test("A joiner downloads a model published mid-training, before the training ends")
    func servesWhileTraining() async throws {
        let name = uniqueNamespace()
        let (trainLoader, _) = try diabetesLoaders()
        let source = try await Node(Node.Configuration(discovery: .loopback))
        let joiner = try await Node(Node.Configuration(discovery: .loopback))
        try await source.namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (served: Namespace) async throws -> Void in
            // Far more epochs than the test lets run: training is cancelled once the joiner has its model.
            let training = Task { try await served.train(epochs: 1_000_000, train: trainLoader) }
            let version = try await joiner.join(name) { (joined: Namespace) async throws -> UInt64 in
                try await joined.syncModel(timeout: .seconds(10))
            }
            training.cancel()
            let outcome = await training.result
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(version > 1, "the joiner got a model trained for at least one epoch")
        }
        await joiner.shutdown()
        await source.shutdown()
    }
}
