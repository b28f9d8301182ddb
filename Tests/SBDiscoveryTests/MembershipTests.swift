import SBNetwork
import SBWire
import Testing

/// Fixed instants, so that every timing rule is checked exactly.
private let start = ContinuousClock.now
private func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

private let seed = SocketAddress(ip: IPAddress("10.1.0.1")!, port: 7000)
private let lan = IPAddress("10.1.0.9")!
private let configuration = MembershipConfiguration(
    seeds: [seed], exchangeInterval: .milliseconds(1000), expiry: .milliseconds(3500))

private func hello(_ id: NodeID, _ namespaces: [String], port: UInt16 = 7000) throws -> Hello {
    try Hello(nodeID: id, listenPort: port, namespaces: namespaces)
}

private func list(_ namespace: String, _ peers: [(NodeID, String, UInt16)]) throws -> PeerList {
    try PeerList(namespace: namespace, peers: peers.map { try PeerList.Peer(nodeID: $0.0, host: $0.1, port: $0.2) })
}

private func events(_ actions: [Membership.Action]) -> [MembershipEvent] {
    actions.compactMap { action in
        if case .notify(let event) = action { event } else { nil }
    }
}

@Suite("Membership state machine")
struct MembershipTests {
    let me = NodeID.random()
    let seedID = NodeID.random()
    let other = NodeID.random()
    let third = NodeID.random()

    func membership(_ namespaces: Set<String> = ["alpha"]) -> Membership {
        Membership(nodeID: me, namespaces: namespaces, configuration: configuration, now: at(0))
    }

    @Test("Seeds are asked at once, then every interval, never twice at the same time")
    func exchangeSchedule() throws {
        var membership = membership()
        #expect(membership.tick(now: at(0)) == [.exchange(with: seed)])
        #expect(membership.nextDeadline == at(1000))
        #expect(membership.tick(now: at(1000)).isEmpty, "the first exchange is still in progress")
        #expect(membership.exchangeFailed(with: seed).isEmpty)
        #expect(membership.tick(now: at(2000)) == [.exchange(with: seed)])
        #expect(membership.statistics.exchangeFailures == 1)
    }

    @Test("An exchange yields the seed and its listed members; this node and host names are skipped and counted")
    func learnFromSeed() throws {
        var membership = membership()
        _ = membership.tick(now: at(0))
        let actions = membership.exchanged(
            with: seed, hello: try hello(seedID, ["alpha"]), from: seed,
            lists: [
                try list("alpha", [(other, "10.1.0.2", 7001), (me, "10.1.0.3", 7002), (third, "node.example", 7003)])
            ], now: at(10))
        let seedMember = Member(nodeID: seedID, namespace: "alpha", address: seed)
        let otherMember = Member(
            nodeID: other, namespace: "alpha", address: try SocketAddress(parsing: "10.1.0.2:7001"))
        #expect(Set(events(actions)) == [.joined(seedMember), .joined(otherMember)])
        #expect(Set(membership.members) == [seedMember, otherMember])
        #expect(membership.statistics.ignoredEntries == 2)
        #expect(membership.statistics.exchanges == 1)
    }

    @Test("A member the seed's next list omits leaves at once; one not reconfirmed leaves at the expiry")
    func omissionAndExpiry() throws {
        var membership = membership()
        let seedHello = try hello(seedID, ["alpha"])
        _ = membership.tick(now: at(0))
        _ = membership.exchanged(
            with: seed, hello: seedHello, from: seed,
            lists: [try list("alpha", [(other, "10.1.0.2", 7001), (third, "10.1.0.3", 7002)])], now: at(0))
        _ = membership.tick(now: at(1000))
        let omitted = membership.exchanged(
            with: seed, hello: seedHello, from: seed, lists: [try list("alpha", [(third, "10.1.0.3", 7002)])],
            now: at(1000))
        #expect(events(omitted).map(\.member.nodeID) == [other])
        #expect(membership.members.map(\.nodeID).sorted(by: order) == [seedID, third].sorted(by: order))

        // The seed goes silent: everything it vouched for expires 3.5 s after its last exchange.
        #expect(membership.nextDeadline == at(2000))
        #expect(events(membership.tick(now: at(4499))).isEmpty)
        let expired = membership.tick(now: at(4500))
        #expect(Set(events(expired).map(\.member.nodeID)) == [seedID, third])
        #expect(expired.allSatisfy { if case .notify(.left) = $0 { true } else { $0 == .exchange(with: seed) } })
        #expect(membership.members.isEmpty)
    }

    @Test("Discovery and peer exchange merge: the discovered address wins, and a member stays while one source does")
    func mergeWithDiscovery() throws {
        var membership = membership(["alpha", "beta"])
        let discovered = DiscoveredPeer(
            nodeID: other, namespaces: [NamespaceTag(openNamespace: "alpha")], address: SocketAddress(ip: lan, port: 9),
            versions: 1...1, lastHeard: at(0))
        #expect(
            events(membership.discovered(.joined(discovered)))
                == [.joined(Member(nodeID: other, namespace: "alpha", address: discovered.address))])
        _ = membership.tick(now: at(0))
        let listed = membership.exchanged(
            with: seed, hello: try hello(seedID, ["beta"]), from: seed,
            lists: [try list("alpha", [(other, "10.1.0.2", 7001)])], now: at(0))
        #expect(events(listed).map(\.member.nodeID) == [seedID], "the alpha member was known already")
        #expect(membership.members(in: "alpha").map(\.address) == [discovered.address])
        let left = membership.discovered(.left(discovered, reason: .expired))
        let moved = Member(nodeID: other, namespace: "alpha", address: try SocketAddress(parsing: "10.1.0.2:7001"))
        #expect(events(left) == [.updated(moved)])
    }

    @Test("A request is answered with first-hand members only, without the requester or loopback addresses")
    func answer() throws {
        var membership = membership()
        let requester = try hello(other, ["alpha"], port: 7100)
        let requesterAddress = SocketAddress(ip: IPAddress("10.1.0.2")!, port: 50_000)
        let loopbackPeer = DiscoveredPeer(
            nodeID: NodeID.random(), namespaces: [NamespaceTag(openNamespace: "alpha")],
            address: SocketAddress(ip: .loopbackIPv4, port: 9), versions: 1...1, lastHeard: at(0))
        let lanPeer = DiscoveredPeer(
            nodeID: third, namespaces: [NamespaceTag(openNamespace: "alpha")], address: SocketAddress(ip: lan, port: 9),
            versions: 1...1, lastHeard: at(0))
        _ = membership.discovered(.joined(loopbackPeer))
        _ = membership.discovered(.joined(lanPeer))
        _ = membership.tick(now: at(0))
        _ = membership.exchanged(
            with: seed, hello: try hello(seedID, ["alpha"]), from: seed,
            lists: [try list("alpha", [(NodeID.random(), "10.1.0.5", 7005)])], now: at(0))

        let (reply, actions) = membership.answer(
            try PeerListRequest(namespace: "alpha"), hello: requester, from: requesterAddress, authenticated: false,
            now: at(10))
        let expected = try list("alpha", [(seedID, "10.1.0.1", 7000), (third, "10.1.0.9", 9)])
        guard case .peerList(let answered) = reply else {
            Issue.record("expected a peer list, got \(reply)")
            return
        }
        #expect(Set(answered.peers) == Set(expected.peers))
        let recorded = Member(
            nodeID: other, namespace: "alpha", address: SocketAddress(ip: requesterAddress.ip, port: 7100))
        #expect(events(actions) == [.joined(recorded)])
        #expect(membership.statistics.requestsAnswered == 1)
    }

    @Test("Requests for a namespace either side is not in, or for the secret one without authentication, are refused")
    func refusals() throws {
        let key = try NamespaceKey(secret: Array("sixteen byte secret".utf8), namespace: "alpha")
        var membership = Membership(
            nodeID: me, namespaces: ["alpha", "beta"], namespaceKey: key, configuration: configuration, now: at(0))
        let address = SocketAddress(ip: lan, port: 50_000)
        let cases: [(request: String, requester: [String], authenticated: Bool, code: ErrorCode)] = [
            ("gamma", ["gamma"], false, .unknownNamespace),
            ("beta", ["alpha"], false, .unknownNamespace),
            ("alpha", ["alpha"], false, .authenticationRequired),
        ]
        for refusal in cases {
            let (reply, actions) = membership.answer(
                try PeerListRequest(namespace: refusal.request), hello: try hello(other, refusal.requester),
                from: address, authenticated: refusal.authenticated, now: at(0))
            guard case .error(let error) = reply else {
                Issue.record("expected a refusal, got \(reply)")
                continue
            }
            #expect(error.code == refusal.code)
            #expect(actions.isEmpty, "a refused requester is not recorded")
        }
        #expect(membership.statistics.requestsRefused == 3)
        #expect(membership.members.isEmpty)
    }
}

private func order(_ lhs: NodeID, _ rhs: NodeID) -> Bool {
    lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
}
