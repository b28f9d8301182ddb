import Scatterbrained
import Testing

/// A readable node id for tests: 16 copies of `byte`, so ids sort by `byte`.
func nodeID(_ byte: UInt8) -> NodeID {
    try! NodeID(bytes: [UInt8](repeating: byte, count: NodeID.byteCount))
}

/// A one-parameter model state holding `values` under the name `w`.
func modelState(_ values: [Float], samples: Int = 1, round: Int = 0, origin: NodeID) -> ModelState {
    ModelState(try! ModelParameters([("w", Tensor(values))]), sampleCount: samples, round: round, origin: origin)
}

/// Runs synchronous rounds for several nodes in one process: every message is delivered at once,
/// and rounds that still wait are closed by their deadline.
struct GossipSimulation {
    var machines: [NodeID: SynchronousRounds]
    let timeout: Duration = .seconds(1)
    private(set) var clock: Duration = .zero

    init(topology: Topology, members: [NodeID], filter: PeerFilter = .allowAll, strategy: any AggregationStrategy) {
        let policy = ExchangePolicy(graph: topology.graph(members: members), filter: filter)
        machines = Dictionary(
            uniqueKeysWithValues: members.map {
                ($0, SynchronousRounds(node: $0, policy: policy, strategy: strategy, timeout: .seconds(1)))
            })
    }

    /// Starts one round with each node's `locals` model and returns the model each node installs.
    /// Nodes missing from `locals` take no part (as if they had died).
    mutating func round(_ locals: [NodeID: ModelState]) throws -> [NodeID: ModelState] {
        var installed: [NodeID: ModelState] = [:]
        var mail: [(to: NodeID, model: ModelState)] = []
        func handle(_ actions: [SynchronousRounds.Action], at node: NodeID) {
            for action in actions {
                switch action {
                case .send(let model, let nodes): mail += nodes.map { ($0, model) }
                case .install(let model): installed[node] = model
                case .wakeUp, .event: break
                }
            }
        }
        for (node, local) in locals.sorted(by: { $0.key.description < $1.key.description }) {
            handle(try machines[node]!.startRound(with: local, now: clock), at: node)
        }
        // Each message is delivered once; models sent by nodes that already closed their round
        // are late and answered with nothing, so the mail runs out.
        while !mail.isEmpty {
            let (to, model) = mail.removeFirst()
            guard locals[to] != nil else { continue }
            handle(try machines[to]!.receive(model, from: model.origin), at: to)
        }
        clock += timeout
        for node in locals.keys { handle(try machines[node]!.tick(now: clock), at: node) }
        return installed
    }
}

/// Waits until each namespace lists every other node of `members`, and those of `others`, as a peer:
/// exchanges only include known members. Records an issue after 10 seconds.
func waitUntilAcquainted(_ members: [(Namespace, NodeID)], with others: [NodeID] = []) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    let everyone = Set(members.map(\.1) + others)
    while ContinuousClock.now < deadline {
        let acquainted = members.allSatisfy { namespace, id in
            Set(namespace.peers.map(\.nodeID)).isSuperset(of: everyone.subtracting([id]))
        }
        if acquainted { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("the nodes did not find each other within 10 seconds")
}

/// Waits up to 10 seconds until `ns` knows `count` peers: rounds only include known members. Records an
/// issue if it does not.
func waitForPeers(_ ns: Namespace, count: Int) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ns.peers.count < count && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
    }
    #expect(ns.peers.count == count, "found \(ns.peers.count) of \(count) peers within 10 seconds")
}

/// The diabetes training split in two halves, one loader each, unshuffled so that runs repeat exactly.
func diabetesHalves() throws -> [DataLoader] {
    let (trainSet, _) = try Datasets.diabetes().split(testFraction: 0.2, seed: 42)
    let half = trainSet.count / 2
    return [Array(0..<half), Array(half..<trainSet.count)].map { indices in
        DataLoader(trainSet.subset(indices), batchSize: 32)
    }
}

/// `count` nodes with loopback-scoped discovery: they find each other without a packet leaving 127.0.0.1.
func loopbackNodes(_ count: Int) async throws -> [Node] {
    var nodes: [Node] = []
    for _ in 0..<count { nodes.append(try await Node(Node.Configuration(discovery: .loopback))) }
    return nodes
}
