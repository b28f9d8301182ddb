extension Node {
    /// Where a node listens, what it tells peers, how it finds them, and the namespace secret.
    ///
    /// The defaults suit a node on a LAN: every interface, a free port, multicast discovery.
    ///
    /// ```swift
    /// var configuration = Node.Configuration(discovery: .loopback)   // tests and single-machine demos
    /// configuration.port = 7070
    /// configuration.secret = "correct horse battery staple"
    /// try await Node.run(configuration) { node in print(node.address) }
    /// ```
    public struct Configuration: Sendable {
        /// How a node finds the other members of its namespaces.
        public enum Discovery: Sendable, Hashable {
            /// Multicast (or broadcast) on every LAN interface: nodes that share a network find each other.
            case lan
            /// Multicast confined to this machine's loopback interface: no datagram leaves the host.
            case loopback
            /// No multicast: ask these nodes (`host:port` where they listen) for the members they know.
            case seeds([SocketAddress])
            /// No discovery at all; the node only answers peers that find it by other means.
            case disabled
        }

        /// The address to listen on; nil listens on every interface, or on loopback only with
        /// ``Discovery/loopback``, so a test node is never reachable from the network.
        public var host: IPAddress?
        /// The TCP port; 0 picks a free one (read it from ``Node/address``).
        public var port: UInt16
        /// The address peers should connect to; nil derives a reachable one from the listening address:
        /// the listening address itself unless it is a wildcard, else loopback for ``Discovery/loopback``
        /// or the first LAN interface's address.
        public var advertisedAddress: IPAddress?
        /// How the node finds peers; ``Discovery/lan`` by default.
        public var discovery: Discovery
        /// The namespace secret, at least 16 bytes of UTF-8: with it, only nodes holding the same secret
        /// find the namespace, connect, and download its model. It applies to the one namespace the node
        /// opens; nil leaves namespaces open to anyone who knows the name.
        public var secret: String?

        /// Creates a configuration; every parameter has the LAN default.
        public init(
            host: IPAddress? = nil, port: UInt16 = 0, advertisedAddress: IPAddress? = nil,
            discovery: Discovery = .lan, secret: String? = nil
        ) {
            self.host = host
            self.port = port
            self.advertisedAddress = advertisedAddress
            self.discovery = discovery
            self.secret = secret
        }

        /// The address the listener binds.
        var listeningAddress: SocketAddress {
            SocketAddress(ip: host ?? (discovery == .loopback ? .loopbackIPv4 : .anyIPv4), port: port)
        }

        /// A reachable address for a listener bound to `bound`: never a wildcard.
        func reachableAddress(for bound: SocketAddress) -> SocketAddress {
            if let advertisedAddress { return SocketAddress(ip: advertisedAddress, port: bound.port) }
            guard bound.ip.isUnspecified else { return bound }
            guard discovery != .loopback else { return SocketAddress(ip: .loopbackIPv4, port: bound.port) }
            // The interface discovery would announce on first; loopback on a machine without a network.
            let interfaces = (try? NetworkInterface.ipv4()) ?? []
            let lan = interfaces.first { $0.isUp && !$0.isLoopback }
            return SocketAddress(ip: lan?.address ?? .loopbackIPv4, port: bound.port)
        }

        /// The discovery service's settings, or nil when discovery runs no multicast.
        var discoveryConfiguration: DiscoveryConfiguration? {
            let scope: DiscoveryConfiguration.Scope
            switch discovery {
            case .lan: scope = .lan
            case .loopback: scope = .loopback
            case .seeds, .disabled: return nil
            }
            return DiscoveryConfiguration(scope: scope)
        }

        /// The seeds peer exchange asks.
        var seeds: [SocketAddress] {
            if case .seeds(let seeds) = discovery { seeds } else { [] }
        }
    }
}
