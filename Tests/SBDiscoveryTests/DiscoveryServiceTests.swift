import SBNetwork
import SBWire
import Testing

@Suite("Discovery on loopback", .timeLimit(.minutes(1)))
struct DiscoveryServiceTests {
    @Test("Nodes sharing a namespace find each other within two heartbeat intervals", arguments: [2, 5])
    func findEachOther(count: Int) async throws {
        let network = try LoopbackNetwork()
        var services: [DiscoveryService] = []
        var starts: [NodeID: ContinuousClock.Instant] = [:]
        for _ in 0..<count {
            // Staggered, so that early nodes have announced before later ones listen: the later ones
            // find them only through their next heartbeat.
            try await Task.sleep(for: testHeartbeat / 3)
            let start = ContinuousClock.now
            let service = try network.start("MyFirstNamespace")
            services.append(service)
            starts[service.nodeID] = start
        }
        #expect(try await timeUntil { allFound(services) } != nil)
        let tag = NamespaceTag(openNamespace: "MyFirstNamespace")
        for service in services {
            #expect(service.peers.allSatisfy { $0.namespaces == [tag] && $0.address.ip == .loopbackIPv4 })
            #expect(service.statistics.ignored == 0)
        }
        await stopAll(services)
        // Judged by when the announcement that introduced a peer arrived, which the kernel stamps, not
        // by when this busy process got round to reading it: the parallel suite can hold both threads
        // of the cooperative pool for over a second, and the wall clock would say nothing about discovery.
        for service in services {
            let start = try #require(starts[service.nodeID])
            for await event in service.events {
                guard case .joined(let peer) = event else { continue }
                let bothListening = max(start, try #require(starts[peer.nodeID]))
                let found = peer.lastHeard - bothListening
                #expect(found <= testHeartbeat * 2, "\(service.nodeID) heard \(peer.nodeID) only after \(found)")
            }
        }
    }

    @Test("A newcomer hears the nodes already there at once, not at their next heartbeat")
    func newcomerIsAnsweredAtOnce() async throws {
        let network = try LoopbackNetwork()
        var configuration = network.configuration
        configuration.heartbeatInterval = .seconds(6)
        configuration.expiry = .seconds(20)
        let tag = NamespaceTag(openNamespace: "alpha")
        let early = try DiscoveryService(
            nodeID: .random(), port: 20_001, namespaces: [tag], configuration: configuration)
        // Past its first announcement: its next one is 5.1 to 6.3 s away.
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        let newcomer = try DiscoveryService(
            nodeID: .random(), port: 20_002, namespaces: [tag], configuration: configuration)
        #expect(try await timeUntil { newcomer.peers.count == 1 } != nil)
        await stopAll([early, newcomer])
        // Judged by the kernel's arrival stamp of the announcement that introduced it.
        for await event in newcomer.events {
            guard case .joined(let peer) = event else { continue }
            #expect(peer.nodeID == early.nodeID)
            // The early node answers once its receive loop reads the newcomer's announcement, which the
            // parallel suite can delay by over a second (1.1 s seen); its next heartbeat is far later.
            #expect(peer.lastHeard - start < .seconds(3), "heard the early node after \(peer.lastHeard - start)")
        }
        withExtendedLifetime(network) {}
    }

    @Test("A stopped node leaves at once; a node that vanishes without a word expires")
    func leaving() async throws {
        let network = try LoopbackNetwork()
        let stays = try network.start("alpha")
        let stops = try network.start("alpha")
        var vanishes: DiscoveryService? = try network.start("alpha")
        let vanishingID = try #require(vanishes?.nodeID)
        #expect(try await timeUntil { stays.peers.count == 2 } != nil)

        await stops.stop()
        let left = try #require(try await timeUntil { !stays.peers.map(\.nodeID).contains(stops.nodeID) })
        // At once, by the leave announcement: well before the expiry.
        #expect(left < testHeartbeat + slack)

        // Releasing the service without stop() sends no leave, like a killed process.
        vanishes = nil
        let expired = try #require(try await timeUntil { stays.peers.isEmpty })
        #expect(expired <= testExpiry + slack)
        await stays.stop()
        var reasons: [NodeID: PeerEvent.LeaveReason] = [:]
        for await event in stays.events {
            if case .left(let peer, let reason) = event { reasons[peer.nodeID] = reason }
        }
        #expect(reasons == [stops.nodeID: .announced, vanishingID: .expired])
    }

    @Test("Nodes in different namespaces never list each other")
    func namespaceIsolation() async throws {
        let network = try LoopbackNetwork()
        let a = try network.start("A")
        let b = try network.start("B")
        let both = try network.start("A", "B")
        let services = [a, b, both]
        #expect(try await timeUntil { both.peers.count == 2 && a.peers.count == 1 && b.peers.count == 1 } != nil)
        // Another two heartbeats, in which a and b keep hearing each other's announcements.
        try await Task.sleep(for: testHeartbeat * 2)
        let tagA = NamespaceTag(openNamespace: "A")
        let tagB = NamespaceTag(openNamespace: "B")
        #expect(a.peers.map(\.nodeID) == [both.nodeID])
        #expect(a.peers.map(\.namespaces) == [[tagA]])
        #expect(b.peers.map(\.nodeID) == [both.nodeID])
        #expect(b.peers.map(\.namespaces) == [[tagB]])
        // Waited for rather than read at once: a peer whose heartbeats wait unprocessed while the parallel
        // suite holds both threads can expire and come back.
        #expect(
            try await timeUntil {
                Set(both.peers(in: tagA).map(\.nodeID)) == [a.nodeID]
                    && Set(both.peers(in: tagB).map(\.nodeID)) == [b.nodeID]
            } != nil)
        #expect(a.statistics.accepted > 0 && a.statistics.ignored == 0)
        await stopAll(services)
    }

    @Test("Changing namespaces at run time drops and later finds peers")
    func changingNamespaces() async throws {
        let network = try LoopbackNetwork()
        let a = try network.start("A")
        let b = try network.start("B")
        #expect(try await timeUntil(testHeartbeat * 3) { !a.peers.isEmpty } == nil)
        try b.setNamespaces([NamespaceTag(openNamespace: "A")])
        #expect(
            try await timeUntil { a.peers.map(\.nodeID) == [b.nodeID] && b.peers.map(\.nodeID) == [a.nodeID] } != nil)
        try b.setNamespaces([NamespaceTag(openNamespace: "C")])
        #expect(b.peers.isEmpty)
        #expect(try await timeUntil { a.peers.isEmpty } != nil)
        await stopAll([a, b])
    }

    @Test("Garbage on the discovery port is counted by kind and discovery keeps working")
    func garbage() async throws {
        let network = try LoopbackNetwork()
        let first = try network.start("alpha")
        let second = try network.start("alpha")
        #expect(try await timeUntil { allFound([first, second]) } != nil)

        let valid = try Announcement(nodeID: .random(), port: 7070, namespaces: [NamespaceTag(openNamespace: "alpha")])
            .encoded()
        var otherFormat = valid
        otherFormat[4] = Announcement.formatVersion + 1
        var foreignMagic = valid
        foreignMagic[0...3] = [0x53, 0x53, 0x44, 0x50]
        var generator = SystemRandomNumberGenerator()
        let random = (0..<20).map { _ in
            (0..<Int.random(in: 1..<Announcement.fixedByteCount)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
        }
        let malformed =
            random + [
                Array(valid.dropLast(5)), valid.dropLast(4) + [0, 0, 0, 0], [UInt8](repeating: 0xF5, count: 65_507),
            ]
        let otherVersions = [
            otherFormat,
            try Announcement(nodeID: .random(), versions: 9...12, port: 1, namespaces: []).encoded(),
        ]
        let unreachable = try Announcement(
            nodeID: .random(), port: 1, address: .ipv4([239, 0, 0, 1]),
            namespaces: [NamespaceTag(openNamespace: "alpha")]
        )
        .encoded()
        try await network.send(malformed + otherVersions + [foreignMagic, unreachable])

        let expected = (malformed: malformed.count, otherVersion: otherVersions.count, foreign: 1, unreachable: 1)
        for service in [first, second] {
            let counted = try await timeUntil {
                let statistics = service.statistics
                return (
                    statistics.malformed, statistics.otherVersion, statistics.foreign, statistics.unreachableAddress
                )
                    == expected
            }
            #expect(counted != nil, "\(service.statistics)")
        }
        let latecomer = try network.start("alpha")
        #expect(try await timeUntil { allFound([first, second, latecomer]) } != nil)
        await stopAll([first, second, latecomer])
    }
}
