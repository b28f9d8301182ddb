import SBWire
import Synchronization

/// Finds the nodes that share a namespace with this one, by announcing this node on the
/// discovery port every heartbeat and listening to everyone else's announcements.
///
/// Every node on a host binds the same port (with address reuse), so any number of nodes run
/// side by side with default settings. Datagrams that are malformed, foreign, of another version,
/// or advertise an unreachable address are counted in ``statistics`` and otherwise ignored:
/// nothing a sender does stops discovery. Call ``stop()`` when done: it tells peers this node is
/// leaving, so they drop it at once instead of after the expiry.
///
/// ```swift
/// let discovery = try DiscoveryService(
///     nodeID: node.id, port: listener.localAddress.port,
///     namespaces: [NamespaceTag(openNamespace: "MyFirstNamespace")])
/// for await event in discovery.events {
///     if case .joined(let peer) = event { print("found \(peer.address)") }
/// }
/// await discovery.stop()
/// ```
public final class DiscoveryService: Sendable {
    /// This node's identity, as announced.
    public let nodeID: NodeID
    /// The settings the service runs with.
    public let configuration: DiscoveryConfiguration
    /// The routes announcements take now: chosen from the machine's interfaces when the service
    /// started and, in ``DiscoveryConfiguration/Scope/lan``, again before every heartbeat, so that
    /// interfaces that come up, go down or change address are followed.
    public var routes: [DiscoveryRoute] { sockets.routes }
    /// Peers joining, changing and leaving, in the order the service noticed. Meant for one reader;
    /// the latest 4,096 unread events are kept, older ones are dropped and counted.
    public let events: AsyncStream<PeerEvent>

    private let tcpPort: UInt16
    private let advertisedAddress: Announcement.Address
    private let sockets: DiscoverySockets
    private let core: DiscoveryCore
    private let tasks: Mutex<Tasks?>

    /// The receive loop and the heartbeat; `nil` once stopped.
    private struct Tasks {
        var receiving: Task<Void, Never>
        var heartbeat: Heartbeat
    }

    /// How many unread events ``events`` keeps.
    private static let eventBufferSize = 4096

    /// Starts announcing this node and listening for peers.
    ///
    /// - Parameters:
    ///   - nodeID: This node's identity; announcements carrying it are recognised as its own.
    ///   - port: The TCP port this node accepts connections on.
    ///   - namespaces: The namespaces this node is in (at most 16); only peers sharing one are reported.
    ///   - advertisedAddress: The address peers should connect to; `nil` lets each peer use the
    ///     address the announcement came from, which is right unless the node sits behind a NAT.
    ///   - configuration: Scope, group, port and timing.
    /// - Throws: ``DiscoveryError/invalidConfiguration(_:)`` for unusable values, or
    ///   ``DiscoveryError/network(_:)`` when the sockets cannot be set up.
    public init(
        nodeID: NodeID, port: UInt16, namespaces: Set<NamespaceTag>, advertisedAddress: IPAddress? = nil,
        configuration: DiscoveryConfiguration = DiscoveryConfiguration()
    ) throws(DiscoveryError) {
        try configuration.validate()
        guard port != 0 else {
            throw .invalidConfiguration("the TCP port is 0; announce the port the node's listener actually bound")
        }
        self.nodeID = nodeID
        self.configuration = configuration
        self.tcpPort = port
        self.advertisedAddress = try Self.wireAddress(advertisedAddress)
        let datagrams = try Self.datagrams(
            nodeID: nodeID, port: port, address: self.advertisedAddress, namespaces: namespaces)
        do {
            // Loopback scope must not depend on listing interfaces, which it does not use.
            let interfaces = configuration.scope == .lan ? try NetworkInterface.ipv4() : []
            sockets = try DiscoverySockets(configuration: configuration, routes: configuration.routes(on: interfaces))
        } catch {
            throw .network(error)
        }
        let (events, continuation) = AsyncStream.makeStream(
            of: PeerEvent.self, bufferingPolicy: .bufferingNewest(Self.eventBufferSize))
        self.events = events
        core = DiscoveryCore(
            table: PeerTable(nodeID: nodeID, namespaces: namespaces, expiry: configuration.expiry),
            datagrams: datagrams, continuation: continuation)
        let heartbeat = Heartbeat(
            every: configuration.heartbeatInterval, minimumGap: configuration.heartbeatInterval / 10,
            label: "SBNetwork.Discovery"
        ) { [sockets, core, configuration] in
            Self.followInterfaces(sockets, core: core, configuration: configuration)
            Self.send(core.announcement, through: sockets.currentSenders, core: core)
        }
        tasks = Mutex(
            Tasks(
                receiving: Task { [sockets, core] in
                    await Self.receive(on: sockets.receiver, into: core, answeringNewPeersWith: heartbeat)
                },
                heartbeat: heartbeat))
    }

    deinit {
        // Without stop() no leave is sent: a released service is to its peers what a killed process is,
        // and they find out through expiry. The heartbeat's timer ends with it.
        if let tasks = tasks.withLock({ $0 }) {
            tasks.receiving.cancel()
            sockets.close()
            core.finish()
        }
    }

    /// The peers currently known, ordered by node id.
    public var peers: [DiscoveredPeer] { core.peers }

    /// The known peers in one namespace.
    public func peers(in namespace: NamespaceTag) -> [DiscoveredPeer] {
        core.peers.filter { $0.namespaces.contains(namespace) }
    }

    /// What the service has sent, received and ignored so far.
    public var statistics: DiscoveryStatistics { core.statistics }

    /// Changes the namespaces this node announces and reports peers for.
    ///
    /// Peers sharing none of the new namespaces leave (reason `noSharedNamespace`) at once; peers
    /// in added namespaces join when their next heartbeat arrives.
    ///
    /// - Throws: ``DiscoveryError/invalidConfiguration(_:)`` for more than 16 namespaces.
    public func setNamespaces(_ namespaces: Set<NamespaceTag>) throws(DiscoveryError) {
        let datagrams = try Self.datagrams(
            nodeID: nodeID, port: tcpPort, address: advertisedAddress, namespaces: namespaces)
        core.setNamespaces(namespaces, datagrams: datagrams)
    }

    /// Stops announcing and listening, and tells peers this node is leaving. Idempotent.
    ///
    /// The leave datagram is sent once, best effort: peers that miss it drop this node after the expiry.
    public func stop() async {
        guard let tasks = tasks.withLock({ $0.take() }) else { return }
        // Sent from the heartbeat's queue, after its last announcement, which could otherwise follow the
        // leave and list this node again until the expiry.
        await tasks.heartbeat.stop { [sockets, core] in
            Self.send(core.leave, through: sockets.currentSenders, core: core)
        }
        tasks.receiving.cancel()
        sockets.close()
        await tasks.receiving.value
        core.finish()
    }
}
