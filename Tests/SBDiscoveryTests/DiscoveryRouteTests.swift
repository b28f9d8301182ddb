import SBNetwork
import Testing

@Suite("Discovery routes and configuration")
struct DiscoveryRouteTests {
    private func interface(
        _ name: String, _ address: String, broadcast: String? = nil, up: Bool = true, loopback: Bool = false,
        multicast: Bool = true
    ) -> NetworkInterface {
        NetworkInterface(
            name: name, address: IPAddress(address)!, broadcastAddress: broadcast.flatMap(IPAddress.init),
            isUp: up, isLoopback: loopback, supportsMulticast: multicast)
    }

    private var machine: [NetworkInterface] {
        [
            interface("lo", "127.0.0.1", loopback: true),
            interface("eth0", "192.168.1.4", broadcast: "192.168.1.255"),
            interface("eth0", "192.168.1.5", broadcast: "192.168.1.255"),
            interface("wlan0", "10.0.0.7", broadcast: "10.0.0.255", multicast: false),
            interface("ptp0", "10.9.9.9", multicast: false),
            interface("eth1", "172.16.0.2", up: false),
        ]
    }

    @Test("LAN scope uses each usable interface once: multicast where possible, else broadcast")
    func lanRoutes() {
        let routes = DiscoveryConfiguration().routes(on: machine)
        #expect(
            routes == [
                .multicast(interface: IPAddress("192.168.1.4")!),
                .broadcast(interface: IPAddress("10.0.0.7")!, broadcast: IPAddress("10.0.0.255")!),
            ])
    }

    @Test("Without the broadcast fallback, interfaces that cannot multicast are left out")
    func noBroadcastFallback() {
        let routes = DiscoveryConfiguration(broadcastFallback: false).routes(on: machine)
        #expect(routes == [.multicast(interface: IPAddress("192.168.1.4")!)])
    }

    @Test("Loopback scope, and a LAN scope with no usable interface, multicast through 127.0.0.1")
    func loopbackRoutes() {
        let loopback = [DiscoveryRoute.multicast(interface: .loopbackIPv4)]
        #expect(DiscoveryConfiguration(scope: .loopback).routes(on: machine) == loopback)
        #expect(DiscoveryConfiguration().routes(on: [interface("lo", "127.0.0.1", loopback: true)]) == loopback)
        #expect(DiscoveryConfiguration().routes(on: []) == loopback)
    }

    @Test("The interface list includes the loopback interface")
    func listsLoopback() throws {
        let loopback = try NetworkInterface.ipv4().filter { $0.address == .loopbackIPv4 }
        #expect(loopback.count == 1)
        #expect(loopback.first?.isLoopback == true)
    }

    @Test(
        "Unusable configurations are refused before any socket opens",
        arguments: [
            DiscoveryConfiguration(scope: .loopback, group: .loopbackIPv4),
            DiscoveryConfiguration(scope: .loopback, port: 0),
            DiscoveryConfiguration(scope: .loopback, heartbeatInterval: .zero),
            DiscoveryConfiguration(scope: .loopback, heartbeatInterval: .seconds(2), expiry: .seconds(2)),
        ])
    func invalidConfigurations(configuration: DiscoveryConfiguration) {
        #expect {
            try DiscoveryService(nodeID: .random(), port: 7070, namespaces: [], configuration: configuration)
        } throws: { error in
            guard case .invalidConfiguration = error as? DiscoveryError else { return false }
            return true
        }
    }

    @Test("A wildcard advertised address and TCP port 0 are refused")
    func invalidAnnouncements() {
        let configuration = DiscoveryConfiguration(scope: .loopback, port: 1)
        for (port, address) in [(UInt16(0), IPAddress?.none), (7070, IPAddress.anyIPv4)] {
            #expect {
                try DiscoveryService(
                    nodeID: .random(), port: port, namespaces: [], advertisedAddress: address,
                    configuration: configuration)
            } throws: { error in
                guard case .invalidConfiguration = error as? DiscoveryError else { return false }
                return true
            }
        }
    }
}
