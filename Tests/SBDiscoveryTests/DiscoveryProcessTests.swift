import SBNetwork
import SBTestSupport
import Testing

/// Nodes in other processes: `sb-discovery-probe` runs them and prints what they find.
@Suite("Discovery across processes", .timeLimit(.minutes(1)))
struct DiscoveryProcessTests {
    private let timing = [
        "--heartbeat-ms", "\(Int(testHeartbeat / .milliseconds(1)))", "--expiry-ms",
        "\(Int(testExpiry / .milliseconds(1)))",
    ]
    /// Processes start slower than tasks: allowance for a fresh process's first heartbeat, and for its
    /// lines to reach this process.
    private let processSlack = Duration.seconds(1)
    /// Allowance for noticing an expiry: while these tests wait, the parallel suite's other tests can hold
    /// both threads of the cooperative pool and both cores, and the expiring side needs two turns on the
    /// pool (its wait ending at the deadline, then a read that finds the socket empty) before the test's
    /// own poll sees the peer gone; 1.5 s beyond the expiry was seen.
    private let expirySlack = Duration.seconds(3)

    @Test("On loopback, a node finds two nodes of another process, which expire once it is killed")
    func killedProcessOnLoopback() async throws {
        let network = try LoopbackNetwork()
        let configuration = network.configuration
        let service = try network.start("alpha")
        let probe = try ProbeProcess(
            [
                "--nodes", "2", "--namespace", "alpha", "--scope", "loopback", "--group", "\(configuration.group)",
                "--port", "\(configuration.port)", "--seconds", "20",
            ] + timing)
        let me = service.nodeID.description
        #expect(
            try await timeUntil { service.peers.count == 2 && probe.peers.values.filter { $0.contains(me) }.count == 2 }
                != nil)
        #expect(Set(service.peers.map(\.nodeID.description)) == Set(probe.nodeIDs))

        probe.kill()
        let expired = try #require(try await timeUntil { service.peers.isEmpty })
        #expect(expired <= testExpiry + expirySlack)
        await service.stop()
    }

    @Test("A process whose cooperative threads are all busy for longer than the expiry neither drops nor is dropped")
    func busyProcessStaysListed() async throws {
        let network = try LoopbackNetwork()
        let configuration = network.configuration
        let service = try network.start("alpha")
        let busy = testExpiry * 2
        let probe = try ProbeProcess(
            [
                "--namespace", "alpha", "--scope", "loopback", "--group", "\(configuration.group)",
                "--port", "\(configuration.port)", "--busy-ms", "\(Int(busy / .milliseconds(1)))", "--seconds", "20",
            ] + timing)
        let me = service.nodeID.description
        #expect(try await timeUntil { probe.lines.contains { $0.type == "idle" } && probe.peers[0] != nil } != nil)
        let probeID = try #require(probe.nodeIDs.first)
        // Its heartbeats kept coming from the busy process, so this side never let it go ...
        #expect(service.peers.map(\.nodeID.description) == [probeID])
        // ... and the busy side read the heartbeats waiting for it before judging anyone silent.
        #expect(probe.peers[0] == [me])
        #expect(!probe.lines.contains { $0.type == "left" })
        probe.kill()
        #expect(try await timeUntil { service.peers.isEmpty } != nil)
        await service.stop()
        var changes: [String] = []
        for await event in service.events {
            switch event {
            case .joined: changes.append("joined")
            case .left(_, let reason): changes.append("left \(reason)")
            case .updated: break
            }
        }
        // One arrival and, after the kill, one expiry: no drop and return while the probe was busy.
        #expect(changes == ["joined", "left expired"])
    }

    @Test(
        "With default settings in a network namespace, nodes in two processes find each other; other namespaces stay apart",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func defaultSettingsInNetworkNamespace() async throws {
        let namespace = try NetworkNamespace()
        let arguments = ["--namespace", "alpha", "--seconds", "20"] + timing
        let first = try ProbeProcess(["--nodes", "3"] + arguments, in: namespace.name)
        let second = try ProbeProcess(["--nodes", "2"] + arguments, in: namespace.name)
        let stranger = try ProbeProcess(
            ["--nodes", "1", "--namespace", "beta", "--seconds", "20"] + timing, in: namespace.name)
        let probes = [first, second, stranger]
        #expect(try await timeUntil { probes.map(\.nodeIDs.count) == [3, 2, 1] } != nil)
        // Default scope on a machine whose only interface is loopback falls back to loopback.
        #expect(Set(probes.flatMap(\.lines).compactMap(\.routes)) == [["multicast(interface: 127.0.0.1)"]])

        let members = Set(first.nodeIDs + second.nodeIDs)
        func allFound() -> Bool {
            [first, second].allSatisfy { probe in
                probe.nodeIDs.indices.allSatisfy { probe.peers[$0] == members.subtracting([probe.nodeIDs[$0]]) }
            }
        }
        let found = try #require(try await timeUntil { allFound() })
        #expect(found <= testHeartbeat * 2 + processSlack)

        second.kill()
        let gone = Set(second.nodeIDs)
        let expired = try #require(try await timeUntil { first.peers.values.allSatisfy { $0.isDisjoint(with: gone) } })
        #expect(expired <= testExpiry + expirySlack)
        let reasons = first.lines.filter { $0.type == "left" }.map(\.reason)
        #expect(reasons == [String?](repeating: "expired", count: 3 * gone.count))

        let strangerID = try #require(stranger.nodeIDs.first)
        #expect(stranger.peers.values.allSatisfy { $0.isEmpty })
        #expect(!first.lines.contains { $0.id == strangerID })
        for probe in probes { probe.kill() }
        // Optimized builds may end a value's lifetime after its last use, deleting the namespace early.
        withExtendedLifetime(namespace) {}
    }

    @Test(
        "Routes follow the interfaces: nodes started while their link is down find each other once it comes up",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func routesFollowInterfaces() async throws {
        let hosts = try NetworkNamespace.pairJoinedByVeth(subnet: "10.78.0")
        let probes = try hosts.map { host in
            try ProbeProcess(["--namespace", "alpha", "--seconds", "20"] + timing, in: host.name)
        }
        #expect(try await timeUntil { probes.allSatisfy { !$0.nodeIDs.isEmpty } } != nil)
        // With the link down, each starts on its own loopback, and stays alone.
        let loopbackOnly = ["multicast(interface: 127.0.0.1)"]
        #expect(probes.flatMap(\.lines).compactMap(\.routes) == [loopbackOnly, loopbackOnly])
        try await Task.sleep(for: testHeartbeat * 3)
        #expect(probes.allSatisfy { ($0.peers[0] ?? []).isEmpty })

        for (index, host) in hosts.enumerated() { try host.ip("link", "set", "sb\(index)", "up") }
        #expect(try await timeUntil { probes.allSatisfy { $0.peers[0]?.count == 1 } } != nil)
        let addresses = probes.map(\.firstPeerHost)
        #expect(addresses == ["10.78.0.2", "10.78.0.1"])
        for probe in probes { probe.kill() }
        // Optimized builds may end a value's lifetime after its last use, deleting the namespaces early.
        withExtendedLifetime(hosts) {}
    }

    @Test(
        "Where interfaces cannot multicast, nodes in two network namespaces joined by a veth pair use broadcast",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func broadcastFallbackBetweenNamespaces() async throws {
        let hosts = try NetworkNamespace.pairJoinedByVeth(subnet: "10.77.0")
        for (index, host) in hosts.enumerated() { try host.ip("link", "set", "sb\(index)", "multicast", "off", "up") }
        // Up in both namespaces before the probes start, so that the routes they start with are the
        // broadcast ones (they would move to them later otherwise).
        #expect(
            try await timeUntil { hosts.enumerated().allSatisfy { (try? $1.hasCarrier("sb\($0)")) == true } } != nil)
        let probes = try hosts.map { host in
            try ProbeProcess(["--namespace", "alpha", "--seconds", "20"] + timing, in: host.name)
        }
        #expect(try await timeUntil { probes.allSatisfy { $0.peers[0]?.count == 1 } } != nil)
        let routes = probes.flatMap(\.lines).compactMap(\.routes)
        #expect(
            routes == [
                ["broadcast(interface: 10.77.0.1, broadcast: 10.77.0.255)"],
                ["broadcast(interface: 10.77.0.2, broadcast: 10.77.0.255)"],
            ])
        let addresses = probes.map(\.firstPeerHost)
        #expect(addresses == ["10.77.0.2", "10.77.0.1"])
        for probe in probes { probe.kill() }
        // Optimized builds may end a value's lifetime after its last use, deleting the namespaces early.
        withExtendedLifetime(hosts) {}
    }
}
