import SBNetwork
import SBWire
import Testing

/// Nodes given seed addresses, exchanging peer lists over a real transport.
@Suite("Peer exchange with seeds", .timeLimit(.minutes(1)))
struct PeerExchangeTests {
    @Test("A node given only a seed address learns the seed's other members", arguments: [Fabric.tcp, .memory])
    func learnsSeedsMembers(fabric: Fabric) async throws {
        let network = InMemoryNetwork()
        let seed = try await ExchangeNode(fabric, network: network, namespaces: ["alpha"])
        let members = [
            try await ExchangeNode(fabric, network: network, namespaces: ["alpha"], seeds: [seed]),
            try await ExchangeNode(fabric, network: network, namespaces: ["alpha"], seeds: [seed]),
        ]
        let newcomer = try await ExchangeNode(fabric, network: network, namespaces: ["alpha"], seeds: [seed])
        let everyone = [seed] + members + [newcomer]
        let expected = Set(everyone.map(\.id)).subtracting([newcomer.id])
        let learned = try #require(
            try await timeUntil(exchangePatience) { newcomer.memberIDs(in: "alpha") == expected })
        // Members register with the seed on their first exchange, the newcomer learns them on its next.
        #expect(learned <= exchangeTiming.exchangeInterval * 3 + exchangeSlack)
        #expect(
            Set(newcomer.membership.members(in: "alpha").map(\.address)) == Set((everyone.dropLast()).map(\.address)))
        // An exchange may time out (its limit is the 100 ms interval) while the parallel suite holds both
        // threads; the next one retries. What counts is that exchanges complete.
        #expect(newcomer.membership.statistics.exchanges >= 1)
        for node in everyone { await node.stop() }
    }

    @Test("A killed member leaves the tables of nodes that learned it from the seed", arguments: [Fabric.tcp, .memory])
    func killedMemberLeaves(fabric: Fabric) async throws {
        let network = InMemoryNetwork()
        let seed = try await ExchangeNode(fabric, network: network, namespaces: ["alpha"])
        let victim = try await ExchangeNode(fabric, network: network, namespaces: ["alpha"], seeds: [seed])
        let watchers = [
            try await ExchangeNode(fabric, network: network, namespaces: ["alpha"], seeds: [seed]),
            try await ExchangeNode(fabric, network: network, namespaces: ["alpha"], seeds: [seed]),
        ]
        #expect(
            try await timeUntil(exchangePatience) {
                watchers.allSatisfy { $0.memberIDs(in: "alpha").contains(victim.id) }
            } != nil)

        await victim.stop()
        let gone = try #require(
            try await timeUntil(exchangePatience) {
                (watchers + [seed]).allSatisfy { !$0.memberIDs(in: "alpha").contains(victim.id) }
            })
        // The seed drops it one expiry after its last request; the watchers at their next exchange.
        #expect(gone <= exchangeTiming.expiry + exchangeTiming.exchangeInterval + exchangeSlack)
        // The others stay (or, if their entries lapsed while the suite held both threads, come back).
        for watcher in watchers {
            let others = Set((watchers + [seed]).map(\.id)).subtracting([watcher.id])
            #expect(try await timeUntil(exchangePatience) { watcher.memberIDs(in: "alpha") == others } != nil)
        }
        for node in [seed] + watchers { await node.stop() }
    }

    @Test("Peer exchange keeps namespaces apart: a node learns only the members of namespaces it is in")
    func namespaceIsolation() async throws {
        let network = InMemoryNetwork()
        let seed = try await ExchangeNode(.tcp, network: network, namespaces: ["alpha", "beta"])
        let alphaMember = try await ExchangeNode(.tcp, network: network, namespaces: ["alpha"], seeds: [seed])
        let betaMember = try await ExchangeNode(.tcp, network: network, namespaces: ["beta"], seeds: [seed])
        let betaNewcomer = try await ExchangeNode(.tcp, network: network, namespaces: ["beta"], seeds: [seed])
        #expect(
            try await timeUntil(exchangePatience) { betaNewcomer.memberIDs(in: "beta") == [seed.id, betaMember.id] }
                != nil)
        #expect(try await timeUntil(exchangePatience) { alphaMember.memberIDs(in: "alpha") == [seed.id] } != nil)
        // A few more rounds, in which nothing of the other namespace may leak.
        try await Task.sleep(for: exchangeTiming.exchangeInterval * 3)
        #expect(betaNewcomer.membership.members.map(\.nodeID).allSatisfy { $0 != alphaMember.id })
        #expect(
            alphaMember.membership.members.map(\.nodeID).allSatisfy { $0 != betaMember.id && $0 != betaNewcomer.id })
        #expect(
            Set(seed.membership.members.map { "\($0.namespace) \($0.nodeID)" }) == [
                "alpha \(alphaMember.id)", "beta \(betaMember.id)", "beta \(betaNewcomer.id)",
            ])

        // Asked directly for a namespace it shares with nobody, the seed refuses.
        let outsider = TCPTransport(configuration: TransportConfiguration(nodeID: .random(), namespaces: ["gamma"]))
        let connection = try await outsider.connect(to: seed.address)
        try await connection.send(.peerListRequest(try PeerListRequest(namespace: "alpha")), timeout: patience)
        let reply = try await connection.receive(timeout: patience)
        #expect(reply.type == .error)
        if case .error(let refusal) = reply { #expect(refusal.code == .unknownNamespace) }
        await connection.close()
        for node in [seed, alphaMember, betaMember, betaNewcomer] { await node.stop() }
    }
}
