import Scatterbrained
import Testing

@Suite struct GossipTests {
    let members = (1...6).map { nodeID(UInt8($0)) }

    /// Node k starts with the one-hot vector e_k, so entry j of a node's model is how much of
    /// node j's information it carries.
    func markers(round: Int) -> [NodeID: ModelState] {
        Dictionary(
            uniqueKeysWithValues: members.enumerated().map { index, node in
                var values = [Float](repeating: 0, count: members.count)
                values[index] = 1
                return (node, modelState(values, round: round, origin: node))
            })
    }

    @Test func ringGossipSpreadsEveryNodesInformationToAll() throws {
        var simulation = GossipSimulation(topology: .ring, members: members, strategy: .metropolisHastings)
        var models = markers(round: 0)
        // Information travels one hop per round; a ring of 6 has diameter 3.
        for round in 1...3 {
            models = try simulation.round(
                models.mapValues { state in
                    var next = state
                    next.round = round
                    return next
                })
            #expect(models.count == members.count)
        }
        for (node, model) in models {
            let values = model.parameters["w"]!.scalars
            #expect(values.allSatisfy { $0 > 0 }, "node \(node) lacks someone's information: \(values)")
            // Metropolis–Hastings mixing preserves the total mass of every marker.
            #expect(abs(values.reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func nodeWithoutIncomingEdgesNeverChanges() throws {
        // 1 → 2 → 3 and 1 → 3: node 1 only gives.
        let (first, second, third) = (members[0], members[1], members[2])
        let topology = Topology.directed([(first, second), (second, third), (first, third)])
        var simulation = GossipSimulation(topology: topology, members: [first, second, third], strategy: .mean)
        var models = markers(round: 0).filter { [first, second, third].contains($0.key) }
        let original = models[first]!.parameters
        for round in 1...4 {
            models = try simulation.round(
                models.mapValues { state in
                    var next = state
                    next.round = round
                    return next
                })
            #expect(models[first]!.parameters == original)
        }
        #expect(models[third]!.parameters["w"]!.scalars[0] > 0.5)
    }

    @Test func deadPeerDoesNotStallTheOthers() throws {
        var simulation = GossipSimulation(topology: .fullyConnected, members: members, strategy: .fedAvg)
        // The last node has died: it sends nothing, the others close by their deadline.
        let alive = markers(round: 1).filter { $0.key != members[5] }
        let merged = try simulation.round(alive)
        #expect(Set(merged.keys) == Set(members.dropLast()))
        for model in merged.values {
            #expect(model.parameters["w"]!.scalars == [0.2, 0.2, 0.2, 0.2, 0.2, 0])
        }
        #expect(simulation.machines[members[0]]!.statistics.missing == 1)
    }
}
