import Synchronization

/// One running set of a node's network services for a fixed set of namespaces: the transport and its
/// listener, discovery, membership, and the tasks that serve peers and forward membership events.
///
/// The transport's hello and membership fix their namespaces when they start, so when a namespace
/// opens or closes the node stops its stack and starts a new one, serving the same listening socket
/// (which the node keeps open, so that no other socket takes the port in between).
final class NetworkStack: Sendable {
    let transport: TCPTransport
    let membership: MembershipService
    /// Pushes the namespaces' models to peers.
    let courier: Courier
    private let listener: PeerListener
    private let discovery: DiscoveryService?
    private let tasks: Mutex<[Task<Void, Never>]>

    /// Starts serving peers on `socket`, discovering and exchanging for `namespaces`.
    ///
    /// - Parameters:
    ///   - socket: The node's listening socket; it stays open when the stack stops.
    ///   - advertised: The address peers are told to connect to.
    ///   - key: The secret's keys, for the one namespace it protects.
    /// - Throws: ``NodeError/startFailed(_:)`` naming the service that failed.
    init(
        nodeID: NodeID, configuration: Node.Configuration, socket: TCPListener, advertised: SocketAddress,
        namespaces: [String], key: NamespaceKey?, registry: NamespaceRegistry
    ) async throws(NodeError) {
        var settings = TransportConfiguration(nodeID: nodeID, namespaces: namespaces, namespaceKey: key)
        if configuration.advertisedAddress != nil { settings.advertisedHost = advertised.ip.description }
        let transport = TCPTransport(configuration: settings)
        let listener: PeerListener
        do {
            listener = try transport.serve(socket)
        } catch {
            throw .startFailed("cannot serve on \(socket.localAddress): \(error)")
        }
        let tags = Set(
            namespaces.map { name in
                if let key, key.namespace == name { key.discoveryTag } else { NamespaceTag(openNamespace: name) }
            })
        let discovery: DiscoveryService?
        let membership: MembershipService
        do {
            discovery = try configuration.discoveryConfiguration.map { settings throws(DiscoveryError) in
                try DiscoveryService(
                    nodeID: nodeID, port: listener.localAddress.port, namespaces: tags,
                    advertisedAddress: configuration.advertisedAddress, configuration: settings)
            }
            membership = try MembershipService(
                transport: transport, discovery: discovery,
                configuration: MembershipConfiguration(seeds: configuration.seeds))
        } catch {
            await listener.closeAndWait()
            throw .startFailed("\(error)")
        }
        self.transport = transport
        courier = Courier(transport: transport)
        self.listener = listener
        self.discovery = discovery
        self.membership = membership
        tasks = Mutex([
            Task { await Self.serve(listener, membership: membership, registry: registry) },
            Task {
                for await event in membership.events {
                    switch event {
                    case .joined(let member): registry[member.namespace]?.emit(.peerJoined(member))
                    case .left(let member): registry[member.namespace]?.emit(.peerLeft(member))
                    case .updated: break
                    }
                }
            },
        ])
    }

    /// Stops every service: discovery tells peers the node leaves; connections being served are closed.
    func stop() async {
        await courier.stop()
        await listener.closeAndWait()
        await membership.stop()
        await discovery?.stop()
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    /// Answers every connection's peer list requests, pings and model requests until the listener closes.
    private static func serve(_ listener: PeerListener, membership: MembershipService, registry: NamespaceRegistry)
        async
    {
        await withDiscardingTaskGroup { group in
            for await peer in listener.connections {
                group.addTask {
                    await membership.serve(peer) { message in registry.answer(message, from: peer.remoteNodeID) }
                }
            }
            // Connections still being served end with the stack rather than outliving it.
            group.cancelAll()
        }
    }
}
