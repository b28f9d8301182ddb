/// One way announcements leave this machine: through one interface, to the group or to a broadcast address.
public enum DiscoveryRoute: Hashable, Sendable {
    /// Multicast to the configured group through the interface with this IPv4 address; the node
    /// also listens to the group on that interface.
    case multicast(interface: IPAddress)
    /// Broadcast to `broadcast` from the interface with address `interface`, which cannot multicast.
    case broadcast(interface: IPAddress, broadcast: IPAddress)

    /// The local address datagrams are sent from.
    public var interface: IPAddress {
        switch self {
        case .multicast(let interface), .broadcast(let interface, _): interface
        }
    }
}

extension DiscoveryConfiguration {
    /// The routes discovery uses with this configuration on a machine with these interfaces.
    ///
    /// Pure, so the choice is tested without touching a network: ``Scope/loopback`` gives multicast
    /// through 127.0.0.1; ``Scope/lan`` gives one route per interface that is up and not loopback
    /// (multicast where supported, else broadcast when ``broadcastFallback`` is on and the interface
    /// has a broadcast address), and multicast through 127.0.0.1 when that leaves none.
    ///
    /// - Parameter interfaces: This machine's interfaces, as ``NetworkInterface/ipv4()`` lists them.
    /// - Returns: The routes, at most one per interface name (its first IPv4 address).
    public func routes(on interfaces: [NetworkInterface]) -> [DiscoveryRoute] {
        let loopbackOnly = [DiscoveryRoute.multicast(interface: .loopbackIPv4)]
        guard scope == .lan else { return loopbackOnly }
        var seen: Set<String> = []
        var routes: [DiscoveryRoute] = []
        for interface in interfaces
        where interface.isUp && !interface.isLoopback && seen.insert(interface.name).inserted {
            if interface.supportsMulticast {
                routes.append(.multicast(interface: interface.address))
            } else if broadcastFallback, let broadcast = interface.broadcastAddress {
                routes.append(.broadcast(interface: interface.address, broadcast: broadcast))
            }
        }
        return routes.isEmpty ? loopbackOnly : routes
    }
}
