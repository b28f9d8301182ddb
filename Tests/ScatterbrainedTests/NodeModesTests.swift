import Scatterbrained
import Synchronization
import Testing

/// The exchange modes and the namespace's topology and filter, between nodes in one process over real
/// TCP with loopback-scoped discovery.
@Suite("Node: exchange modes over TCP", .timeLimit(.minutes(1)))
struct NodeModesTests {
    @Test("By default training merges asynchronously: each node takes in the other's models without waiting")
    func asynchronousByDefault() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let first = try await Node(Node.Configuration(discovery: .loopback))
        let second = try await Node(Node.Configuration(discovery: .loopback))
        let initial = GlobalRandom.withSeed(3) { Linear(10, 1) }
        try await first.namespace(name, model: initial, optimizer: { SGD($0.parameters, learningRate: 0.01) }) {
            (one: Namespace) async throws -> Void in
            try await second.namespace(name, model: initial, optimizer: { AdamW($0.parameters) }) {
                (other: Namespace) async throws -> Void in
                try await waitUntilAcquainted([(one, first.id), (other, second.id)])
                // One epoch per call: each call ends once its pushes are delivered, so the other node's
                // next call finds them. Bounded in calls and by the suite's time limit.
                async let oneMerged = trainUntilMerged(one, with: second.id, loader: shards[0])
                async let otherMerged = trainUntilMerged(other, with: first.id, loader: shards[1])
                let (oneTraffic, otherTraffic) = try await (oneMerged, otherMerged)
                #expect(oneTraffic.sent > 0 && otherTraffic.received > 0)
                for ns in [one, other] {
                    let pushes = ns.pushStatistics
                    #expect(pushes.delivered > 0 && pushes.lost == 0, "\(ns.name): \(pushes)")
                }
            }
        }
        await second.shutdown()
        await first.shutdown()
    }

    @Test(
        "Central authority: participants train from each global model, and the rounds match FedAvg computed in-process")
    func centralAuthorityMatchesReference() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let initial = GlobalRandom.withSeed(5) { Linear(10, 1) }
        let optimizer: OptimizerFactory = { SGD($0.parameters, learningRate: 0.02) }
        let rounds = 3
        let reference = try fedAvgReference(initial: initial, shards: shards, rounds: rounds, optimizer: optimizer)

        let nodes = try await loopbackNodes(3)
        try await nodes[0].namespace(name, model: initial, optimizer: optimizer) {
            (authority: Namespace) async throws -> Void in
            try await nodes[1].namespace(name, model: initial, optimizer: optimizer) {
                (alice: Namespace) async throws -> Void in
                try await nodes[2].namespace(name, model: initial, optimizer: optimizer) {
                    (bob: Namespace) async throws -> Void in
                    try await waitUntilAcquainted([(authority, nodes[0].id), (alice, nodes[1].id), (bob, nodes[2].id)])
                    async let coordination = authority.coordinate(
                        rounds: rounds, minimumParticipants: 2, roundTimeout: .seconds(20))
                    async let aliceReport = alice.train(
                        epochs: rounds, train: shards[0], exchange: .central(timeout: .seconds(20)))
                    async let bobReport = bob.train(
                        epochs: rounds, train: shards[1], exchange: .central(authority: nodes[0].id))
                    let (report, trained) = try await (coordination, [aliceReport, bobReport])

                    let participants = [nodes[1].id, nodes[2].id].sorted { $0.description < $1.description }
                    #expect(report.rounds.map(\.round) == Array(1...rounds))
                    for round in report.rounds {
                        #expect(round.contributors.sorted { $0.description < $1.description } == participants)
                    }
                    for participant in trained {
                        #expect(participant.epochs.map(\.mergedWith) == Array(repeating: [nodes[0].id], count: rounds))
                    }
                    let global = try #require(authority.snapshot).state
                    for (parameter, expected) in reference {
                        let difference = zip(global[parameter]!.scalars, expected.scalars).map { abs($0 - $1) }.max()!
                        #expect(difference < 1e-5, "\(parameter) is \(difference) from the in-process FedAvg")
                    }
                    // Every participant ends with the last global model, bit for bit.
                    for participant in [alice, bob] {
                        #expect(bitPatterns(try #require(participant.snapshot).state) == bitPatterns(global))
                    }
                }
            }
        }
        for node in nodes.reversed() { await node.shutdown() }
    }

    @Test("A member that only serves costs the authority one round's timeout, not one per round")
    func serveOnlyMemberCostsTheAuthorityOneTimeout() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let initial = GlobalRandom.withSeed(5) { Linear(10, 1) }
        let optimizer: OptimizerFactory = { SGD($0.parameters, learningRate: 0.02) }
        let rounds = 4
        let timeout = Duration.milliseconds(1500)
        let nodes = try await loopbackNodes(3)
        try await nodes[0].namespace(name, model: initial, optimizer: optimizer) {
            (authority: Namespace) async throws -> Void in
            try await nodes[1].namespace(name, model: initial, optimizer: optimizer) {
                (participant: Namespace) async throws -> Void in
                // The third node downloads the model and serves it: a member that never trains.
                try await nodes[2].join(name) { (server: Namespace) async throws -> Void in
                    try await server.syncModel(timeout: .seconds(10))
                    try await waitUntilAcquainted(
                        [(authority, nodes[0].id), (participant, nodes[1].id), (server, nodes[2].id)])
                    async let coordination = authority.coordinate(
                        rounds: rounds, minimumParticipants: 1, roundTimeout: timeout)
                    async let trained = participant.train(
                        epochs: rounds, train: shards[0], exchange: .central(timeout: .seconds(20)))
                    let (report, _) = try await (coordination, trained)
                    #expect(report.rounds.map(\.contributors) == Array(repeating: [nodes[1].id], count: rounds))
                    // Waiting for it every round would take at least rounds × timeout (6 s).
                    #expect(report.duration < timeout * 2, "the authority coordinated for \(report.duration)")
                }
            }
        }
        for node in nodes.reversed() { await node.shutdown() }
    }

    @Test("An authority whose participants all left stops at the next round's deadline with an error, never hangs")
    func authorityWithoutParticipantsStops() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let authorityNode = try await Node(Node.Configuration(discovery: .loopback))
        let participantNode = try await Node(Node.Configuration(discovery: .loopback))
        let start = ContinuousClock.now
        try await authorityNode.namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (authority: Namespace) async throws -> Void in
            let coordination = Task { try await authority.coordinate(rounds: 5, roundTimeout: .seconds(1)) }
            try await participantNode.join(name) { (participant: Namespace) async throws -> Void in
                try await participant.syncModel(timeout: .seconds(10))
                let report = try await participant.train(
                    epochs: 1, train: shards[0], exchange: .central(timeout: .seconds(10)))
                #expect(report.epochs.map(\.mergedWith) == [[authorityNode.id]])
            }
            await participantNode.shutdown()
            await #expect(throws: NodeError.participantsLeft(namespace: name, roundsCompleted: 1)) {
                try await coordination.value
            }
        }
        #expect(ContinuousClock.now - start < .seconds(20))
        await authorityNode.shutdown()
    }

    @Test("A directed topology holds on both ends: the source is never changed, models against the edges are refused")
    func directedTopologyIsEnforced() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let initial = GlobalRandom.withSeed(9) { Linear(10, 1) }
        let optimizer: OptimizerFactory = { SGD($0.parameters, learningRate: 0.02) }
        let epochs = 3
        // What the source computes on its own: it must end exactly there.
        let alone = try ModelSnapshot(initial).makeModule()
        let aloneOptimizer = optimizer(alone)
        for _ in 0..<epochs { _ = try alone.trainEpoch(shards[0], optimizer: aloneOptimizer) }

        let source = try await Node(Node.Configuration(discovery: .loopback))
        let sink = try await Node(Node.Configuration(discovery: .loopback))
        let rogue = try await Node(Node.Configuration(discovery: .loopback))
        let edges = Topology.directed([(from: source.id, to: sink.id), (from: source.id, to: rogue.id)])
        try await source.namespace(name, model: initial, optimizer: optimizer) {
            (top: Namespace) async throws -> Void in
            try await sink.namespace(name, model: initial, optimizer: optimizer) {
                (bottom: Namespace) async throws -> Void in
                try await rogue.namespace(name, model: initial, optimizer: optimizer) {
                    (other: Namespace) async throws -> Void in
                    try await waitUntilAcquainted([(top, source.id), (bottom, sink.id), (other, rogue.id)])
                    let sourceEvents = Task { await collect(top.events, until: .seconds(20)) }
                    let exchange = Exchange.synchronous(timeout: .seconds(3), topology: edges)
                    // The rogue ignores the topology and sends to everyone; it waits a second each round
                    // for the sink, which never sends to it.
                    async let rogueReport = other.train(
                        epochs: epochs, train: shards[1], exchange: .synchronous(timeout: .seconds(1)))
                    async let bottomReport = bottom.train(epochs: epochs, train: shards[1], exchange: exchange)
                    // The source, which never waits, starts once the rogue's first model is on its way to it.
                    try await Task.sleep(for: .milliseconds(300))
                    async let topReport = top.train(epochs: epochs, train: shards[0], exchange: exchange)
                    let reports = try await [topReport, bottomReport, rogueReport]

                    #expect(reports[0].epochs.allSatisfy { $0.mergedWith.isEmpty })
                    #expect(reports[1].epochs.map(\.mergedWith) == Array(repeating: [source.id], count: epochs))
                    #expect(reports[2].epochs.allSatisfy { $0.mergedWith == [source.id] })
                    #expect(bitPatterns(try #require(top.snapshot).state) == bitPatterns(alone.stateDict()))
                    sourceEvents.cancel()
                    let rejected = await sourceEvents.value.filter { event in
                        if case .updateRejected(rogue.id, _) = event { true } else { false }
                    }
                    #expect(!rejected.isEmpty, "the source refuses the rogue's models")
                }
            }
        }
        for node in [rogue, sink, source] { await node.shutdown() }
    }

    @Test("A peer filter hides a node: it is not a peer, its model requests are refused, its models not taken")
    func peerFilterExcludesANode() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let host = try await Node(Node.Configuration(discovery: .loopback))
        let excluded = try await Node(Node.Configuration(discovery: .loopback))
        try await host.namespace(name, model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) {
            (ns: Namespace) async throws -> Void in
            ns.peerFilter = .denying([excluded.id])
            try await excluded.join(name) { (outsider: Namespace) async throws -> Void in
                try await waitUntilAcquainted([(outsider, excluded.id)], with: [host.id])
                #expect(ns.peers.isEmpty)
                await #expect(throws: NodeError.self) { try await outsider.syncModel(timeout: .seconds(1)) }
                #expect(outsider.version == 0)
            }
            let report = try await ns.train(epochs: 2, train: shards[0])
            #expect(report.epochs.allSatisfy { $0.mergedWith.isEmpty })
        }
        await excluded.shutdown()
        await host.shutdown()
    }

    @Test("An optimizer anchored on the global weights (FedProx) is re-anchored after every merged round")
    func anchoredOptimizerFollowsTheRounds() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let first = try await Node(Node.Configuration(discovery: .loopback))
        let second = try await Node(Node.Configuration(discovery: .loopback))
        let optimizers = Mutex<[AnchorCountingSGD]>([])
        let factory: OptimizerFactory = { module in
            let optimizer = AnchorCountingSGD(module.parameters)
            optimizers.withLock { $0.append(optimizer) }
            return optimizer
        }
        let epochs = 3
        try await first.namespace(name, model: Linear(10, 1), optimizer: factory) {
            (one: Namespace) async throws -> Void in
            try await second.namespace(name, model: Linear(10, 1), optimizer: factory) {
                (other: Namespace) async throws -> Void in
                try await waitUntilAcquainted([(one, first.id), (other, second.id)])
                let exchange = Exchange.synchronous(timeout: .seconds(5))
                async let oneReport = one.train(epochs: epochs, train: shards[0], exchange: exchange)
                async let otherReport = other.train(epochs: epochs, train: shards[1], exchange: exchange)
                let reports = try await [oneReport, otherReport]
                #expect(reports.allSatisfy { $0.epochs.allSatisfy { $0.mergedWith.count == 1 } })
            }
        }
        #expect(optimizers.withLock { $0.map { $0.anchors.withLock { $0 } } } == [epochs, epochs])
        await second.shutdown()
        await first.shutdown()
    }

    @Test("Exchange every few steps: rounds come mid-epoch, as many as the steps say")
    func exchangeEveryFewSteps() async throws {
        let name = uniqueNamespace()
        let shards = try diabetesHalves()
        let steps = shards[0].count  // batches per epoch
        #expect(steps >= 4)
        let first = try await Node(Node.Configuration(discovery: .loopback))
        let second = try await Node(Node.Configuration(discovery: .loopback))
        let initial = Linear(10, 1)
        try await first.namespace(name, model: initial, optimizer: { AdamW($0.parameters) }) {
            (one: Namespace) async throws -> Void in
            try await second.namespace(name, model: initial, optimizer: { AdamW($0.parameters) }) {
                (other: Namespace) async throws -> Void in
                try await waitUntilAcquainted([(one, first.id), (other, second.id)])
                let events = Task { await collect(one.events, until: .seconds(20)) }
                let exchange = Exchange.synchronous(timeout: .seconds(5), every: .steps(2))
                async let oneReport = one.train(epochs: 2, train: shards[0], exchange: exchange)
                async let otherReport = other.train(epochs: 2, train: shards[0], exchange: exchange)
                _ = try await (oneReport, otherReport)
                events.cancel()
                let merges = await events.value.filter { event in
                    if case .modelMerged(_, [second.id]) = event { true } else { false }
                }
                // Two epochs of `steps` steps, a round every second step.
                #expect(merges.count == steps)
            }
        }
        await second.shutdown()
        await first.shutdown()
    }
}

/// SGD that counts how often the federation handed it new weights to anchor on.
private final class AnchorCountingSGD: GlobalWeightsAnchored, @unchecked Sendable {
    let base: SGD
    let anchors = Mutex(0)

    init(_ parameters: [Parameter]) {
        base = SGD(parameters, learningRate: 0.01)
    }

    var parameters: [Parameter] { base.parameters }
    var learningRate: Float {
        get { base.learningRate }
        set { base.learningRate = newValue }
    }
    func step() { base.step() }
    func zeroGrad() { base.zeroGrad() }
    func stateDict() -> OptimizerState { base.stateDict() }
    func loadStateDict(_ state: OptimizerState) throws(OptimizerError) { try base.loadStateDict(state) }
    func resetState() { base.resetState() }
    func anchorToCurrentWeights() { anchors.withLock { $0 += 1 } }
}

/// Trains one epoch at a time until an epoch merged `peer`'s model; at most 200 epochs.
///
/// - Returns: The bytes sent and received over all the calls.
private func trainUntilMerged(_ ns: Namespace, with peer: NodeID, loader: DataLoader) async throws
    -> (sent: Int, received: Int)
{
    var traffic = (sent: 0, received: 0)
    for _ in 0..<200 {
        let report = try await ns.train(epochs: 1, train: loader)
        traffic.sent += report.bytesSent
        traffic.received += report.bytesReceived
        if report.epochs.contains(where: { $0.mergedWith == [peer] }) { return traffic }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("\(ns.name) never merged \(peer)'s model in 200 epochs")
    return traffic
}

/// FedAvg over the two shards as the central authority runs it, computed in this process: each round
/// every participant trains one epoch from the global model with its own optimizer, and the global model
/// becomes the sample-weighted mean of their weights.
private func fedAvgReference(initial: Module, shards: [DataLoader], rounds: Int, optimizer: OptimizerFactory)
    throws -> [String: Tensor]
{
    var global = initial.stateDict()
    let participants = try shards.map { _ in try ModelSnapshot(initial).makeModule() }
    let optimizers = participants.map(optimizer)
    for _ in 0..<rounds {
        var sum: [String: Tensor] = [:]
        let total = Float(shards.map(\.datasetCount).reduce(0, +))
        for (index, participant) in participants.enumerated() {
            try participant.loadStateDict(global)
            _ = try participant.trainEpoch(shards[index], optimizer: optimizers[index])
            let weight = Float(shards[index].datasetCount) / total
            for (name, tensor) in participant.stateDict() {
                sum[name] = sum[name].map { $0 + tensor * weight } ?? tensor * weight
            }
        }
        global = sum
    }
    return global
}

/// The events `stream` yields until the task is cancelled or `limit` passes.
private func collect(_ stream: AsyncStream<NamespaceEvent>, until limit: Duration) async -> [NamespaceEvent] {
    var events: [NamespaceEvent] = []
    let deadline = ContinuousClock.now + limit
    for await event in stream {
        events.append(event)
        if Task.isCancelled || ContinuousClock.now > deadline { break }
    }
    return events
}
