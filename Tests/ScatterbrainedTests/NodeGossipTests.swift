import Scatterbrained
import Testing

/// A model that never trains: it only carries a vector through the exchange, so what a node ends with
/// shows exactly whose information reached it.
final class Carrier: FederatedModel {
    var values: [Float]

    init(values: [Float]) {
        self.values = values
    }

    func federatedParameters() -> [String: Tensor] { ["values": Tensor(values)] }

    func loadFederatedParameters(_ parameters: [String: Tensor]) throws {
        values = try #require(parameters["values"]).scalars
    }

    nonisolated(nonsending) func trainRound() async throws -> LocalTraining {
        LocalTraining(sampleCount: 1)
    }
}

@Suite("Node: gossip on a ring over TCP", .timeLimit(.minutes(1)))
struct NodeGossipTests {
    @Test("On a ring, a round carries information one hop; after enough rounds every node holds every other's")
    func ringSpreadsInformationToEveryNode() async throws {
        let name = uniqueNamespace()
        let count = 4
        var nodes: [Node] = []
        for _ in 0..<count { nodes.append(try await Node(Node.Configuration(discovery: .loopback))) }
        // The ring orders members by node id; index each node by its place in that order.
        nodes.sort { $0.id.bytes.lexicographicallyPrecedes($1.id.bytes) }
        let runs = try await withThrowingTaskGroup(of: (Int, CarrierRun).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    try await node.join(name) { (ns: Namespace) async throws -> (Int, CarrierRun) in
                        try await waitForPeers(ns, count: count - 1)
                        return (index, try await gossip(in: ns, start: index, of: count))
                    }
                }
            }
            var runs: [Int: CarrierRun] = [:]
            for try await (index, run) in group { runs[index] = run }
            return (0..<count).map { runs[$0]! }
        }
        for (index, run) in runs.enumerated() {
            let opposite = (index + 2) % count
            // After one round: itself and its two neighbours, not the node across the ring.
            #expect(run.afterOneRound[opposite] == 0, "node \(index) after one round: \(run.afterOneRound)")
            #expect(run.afterOneRound[(index + 1) % count] > 0 && run.afterOneRound[(index + 3) % count] > 0)
            // After three: everyone's, and the Metropolis–Hastings weights keep the total at 1.
            #expect(
                run.afterThreeRounds.allSatisfy { $0 > 0 }, "node \(index) after three rounds: \(run.afterThreeRounds)")
            #expect(abs(run.afterThreeRounds.reduce(0, +) - 1) < 1e-5)
        }
        for node in nodes { await node.shutdown() }
    }
}

/// What one node's carrier held after the first round and after the third.
private struct CarrierRun: Sendable {
    var afterOneRound: [Float]
    var afterThreeRounds: [Float]
}

/// Runs one round, then two more, of synchronous ring gossip starting from the `start`-th unit vector.
private func gossip(in ns: Namespace, start: Int, of count: Int) async throws -> CarrierRun {
    var initial = [Float](repeating: 0, count: count)
    initial[start] = 1
    let carrier = Carrier(values: initial)
    let exchange = Exchange.synchronous(timeout: .seconds(10), topology: .ring, strategy: .metropolisHastings)
    try await ns.train(rounds: 1, model: carrier, exchange: exchange)
    let afterOne = carrier.values
    try await ns.train(rounds: 2, model: carrier, exchange: exchange)
    return CarrierRun(afterOneRound: afterOne, afterThreeRounds: carrier.values)
}
