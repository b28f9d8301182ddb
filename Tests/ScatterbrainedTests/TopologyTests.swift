import Scatterbrained
import Testing

@Suite struct TopologyTests {
    let members = (1...5).map { nodeID(UInt8($0)) }

    @Test func ringJoinsEachNodeToItsTwoNeighbours() {
        let graph = Topology.ring.graph(members: members.reversed())
        #expect(graph.members == members)
        #expect(graph.inNeighbours(of: members[0]) == [members[1], members[4]])
        #expect(graph.neighbours(of: members[2]) == [members[1], members[3]])
        #expect(!graph.hasEdge(from: members[0], to: members[2]))
    }

    @Test func starConnectsOnlyThroughTheCentre() {
        let graph = Topology.star(centre: members[2]).graph(members: members)
        #expect(graph.inNeighbours(of: members[2]) == [members[0], members[1], members[3], members[4]])
        #expect(graph.inNeighbours(of: members[0]) == [members[2]])
        #expect(!graph.hasEdge(from: members[0], to: members[1]))
    }

    @Test func directedEdgesFlowOneWay() {
        let graph = Topology.directed([(from: members[0], to: members[1])]).graph(members: members)
        #expect(graph.hasEdge(from: members[0], to: members[1]))
        #expect(!graph.hasEdge(from: members[1], to: members[0]))
        #expect(graph.outNeighbours(of: members[0]) == [members[1]])
        #expect(graph.inNeighbours(of: members[0]).isEmpty)
    }

    @Test func filterAppliesToBothEnds() {
        let graph = Topology.fullyConnected.graph(members: members)
        let denying = ExchangePolicy(graph: graph, filter: .denying([members[4]]))
        #expect(!denying.mayReceive(from: members[4], to: members[0]))
        #expect(!denying.mayReceive(from: members[0], to: members[4]))
        #expect(denying.sources(of: members[0]) == Array(members[1...3]))
        let allowing = ExchangePolicy(graph: graph, filter: .allowing([members[0], members[1]]))
        #expect(allowing.destinations(of: members[0]) == [members[1]])
    }

    @Test(arguments: [Topology.fullyConnected, .ring, .star(centre: nodeID(3))])
    func metropolisHastingsWeightsAreSymmetricAndStochastic(topology: Topology) {
        let graph = topology.graph(members: members)
        let rows = Dictionary(
            uniqueKeysWithValues: members.map { ($0, MetropolisHastingsGossip.mixingWeights(of: $0, in: graph)) })
        for i in members {
            #expect(abs(rows[i]!.values.reduce(0, +) - 1) < 1e-12)
            #expect(rows[i]![i]! > 0)
            for j in members where j != i {
                #expect(rows[i]![j] == rows[j]![i])
            }
        }
    }
}
