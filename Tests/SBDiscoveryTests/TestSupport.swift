import SBNetwork
import SBWire
import Testing

/// Every wait has a limit, so a broken service fails a test instead of hanging the suite.
let patience = Duration.seconds(5)
/// Heartbeats short enough to keep the suite fast, long enough for a loaded two-core machine.
let testHeartbeat = Duration.milliseconds(200)
/// Long enough that a peer survives the few hundred milliseconds for which the parallel suite's CPU-bound
/// tests can hold both threads of the cooperative pool, and so misses its heartbeats' processing.
let testExpiry = Duration.milliseconds(1200)
/// Time allowed beyond a protocol deadline for delivery and scheduling on a loaded two-core machine.
let slack = Duration.milliseconds(300)

/// A private discovery network on loopback: a random group, and a random port held open (with
/// address reuse) for the fixture's lifetime, so tests running in parallel never hear each other.
final class LoopbackNetwork: Sendable {
    let configuration: DiscoveryConfiguration
    private let portHolder: UDPSocket

    init() throws {
        portHolder = try UDPSocket.bind(to: SocketAddress(ip: .anyIPv4, port: 0), reusePort: true)
        let group = IPAddress("239.255.\(Int.random(in: 100...199)).\(Int.random(in: 1...254))")!
        configuration = DiscoveryConfiguration(
            scope: .loopback, group: group, port: portHolder.localAddress.port, heartbeatInterval: testHeartbeat,
            expiry: testExpiry)
    }

    deinit {
        portHolder.close()
    }

    /// Starts a service in the given namespaces, announcing a made-up TCP port (nothing connects to it).
    func start(_ namespaces: String...) throws -> DiscoveryService {
        try DiscoveryService(
            nodeID: .random(), port: UInt16.random(in: 20_000...30_000),
            namespaces: Set(namespaces.map(NamespaceTag.init(openNamespace:))), configuration: configuration)
    }

    /// Sends raw bytes to the group, as any process on this machine could.
    func send(_ datagrams: [[UInt8]]) async throws {
        let sender = try UDPSocket.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0))
        defer { sender.close() }
        try sender.setMulticastSending(interface: .loopbackIPv4)
        for datagram in datagrams {
            try await sender.send(
                datagram, to: SocketAddress(ip: configuration.group, port: configuration.port), timeout: patience)
        }
    }
}

/// Polls `condition` until it holds or `limit` passes (a bounded loop); returns how long it took, or `nil`.
func timeUntil(_ limit: Duration = patience, _ condition: () -> Bool) async throws -> Duration? {
    let start = ContinuousClock.now
    while ContinuousClock.now - start < limit {
        if condition() { return ContinuousClock.now - start }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition() ? ContinuousClock.now - start : nil
}

/// Whether every service lists every other one as a peer, and nothing else.
func allFound(_ services: [DiscoveryService]) -> Bool {
    services.allSatisfy { service in
        Set(service.peers.map(\.nodeID)) == Set(services.map(\.nodeID)).subtracting([service.nodeID])
    }
}

/// Stops services concurrently, so that a test's cleanup does not add up their leave sends.
func stopAll(_ services: [DiscoveryService]) async {
    await withTaskGroup { group in
        for service in services { group.addTask { await service.stop() } }
    }
}
