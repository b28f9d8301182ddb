import Foundation
import SBTestSupport
import Testing

/// Nodes on separate "hosts": network namespaces whose veth interfaces meet on a bridge that lives in a
/// namespace of its own, so nothing touches this machine's real interfaces.
@Suite("Discovery and model transfer across hosts", .timeLimit(.minutes(1)))
struct MultiHostTests {
    @Test(
        "Three hosts on a bridge find each other with default settings by multicast, and one fetches a model",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func discoverAndFetchAcrossHosts() async throws {
        let switchbox = try NetworkNamespace()
        // Snooping off: with no IGMP querier on this private segment, the bridge should simply flood the group.
        try switchbox.ip("link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
        try switchbox.ip("link", "set", "br0", "up")
        let hosts = [try NetworkNamespace(), try NetworkNamespace(), try NetworkNamespace()]
        for (index, host) in hosts.enumerated() {
            try switchbox.ip("link", "add", "port\(index)", "type", "veth", "peer", "name", "eth0", "netns", host.name)
            try switchbox.ip("link", "set", "port\(index)", "master", "br0", "up")
            try host.ip("addr", "add", "10.78.0.\(index + 1)/24", "dev", "eth0")
            try host.ip("link", "set", "eth0", "up")
        }
        // Discovery picks its routes at start, so every host's link must be up first.
        #expect(try await timeUntil { hosts.allSatisfy { (try? $0.hasCarrier("eth0")) == true } } != nil)

        let arguments = ["--namespace", "alpha", "--seconds", "30"]
        let servers = try hosts.prefix(2).map { host in
            try ProbeProcess(arguments + ["--serve-model", "yes"], in: host.name)
        }
        let fetcher = try ProbeProcess(arguments + ["--fetch-model", "yes"], in: hosts[2].name)
        let probes = servers + [fetcher]
        #expect(try await timeUntil { probes.allSatisfy { $0.nodeIDs.count == 1 } } != nil)
        let routes = probes.flatMap(\.lines).compactMap(\.routes)
        #expect(routes == (1...3).map { ["multicast(interface: 10.78.0.\($0))"] })

        // Default heartbeat: one second, so two intervals plus process start-up.
        let everyone = Set(probes.flatMap(\.nodeIDs))
        let found = try await timeUntil(.seconds(10)) {
            probes.allSatisfy { probe in probe.peers[0] == everyone.subtracting(probe.nodeIDs) }
        }
        #expect(found != nil, "members seen: \(probes.map { $0.peers[0] ?? [] })")
        let addresses = Set(
            fetcher.lines.filter { $0.type == "joined" }.compactMap { $0.address?.split(separator: ":").first })
        #expect(addresses == ["10.78.0.1", "10.78.0.2"])

        let fetchedLine = try await timeUntil(.seconds(10)) { fetcher.lines.contains { $0.type == "fetched" } }
        #expect(
            fetchedLine != nil,
            "fetch failures: \(fetcher.lines.filter { $0.type == "fetchFailed" }.compactMap(\.reason))")
        let fetched = try #require(fetcher.lines.first { $0.type == "fetched" })
        let server = try #require(servers.first { $0.nodeIDs == [fetched.id] })
        let served = try #require(server.lines.first { $0.type == "started" }?.model)
        #expect(served.map(\.name) == ["weight", "bias"])
        #expect(fetched.model == served, "the fetched tensors are bit-identical to the served ones")
        for probe in probes { probe.kill() }
        // Optimized builds may end a value's lifetime after its last use, and these delete their
        // namespaces when they go: keep the network until the probes are gone.
        withExtendedLifetime((switchbox, hosts)) {}
    }
}
