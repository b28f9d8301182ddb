import Synchronization

/// One running set of a node's network services for a fixed set of namespaces: the transport and its
/// listener, discovery, membership, and the tasks that serve peers and forward membership events.
///
/// The transport's hello and membership fix their namespaces when they start, so when a namespace
/// opens or closes the node stops its stack and starts a new one on the same port.
final class NetworkStack: Sendable {
    let transport: TCPTransport
    let membership: MembershipService
    private let listener: PeerListener
    private let discovery: DiscoveryService?
    private let tasks: Mutex<[Task<Void, Never>]>

    /// Starts listening on `address`, discovering and exchanging for `namespaces`.
    ///
    /// - Parameters:
    ///   - advertised: The address peers are told to connect to.
    ///   - key: The secret's keys, for the one namespace it protects.
    /// - Throws: ``NodeError/startFailed(_:)`` naming the service that failed.
    init(
        nodeID: NodeID, configuration: Node.Configuration, address: SocketAddress, advertised: SocketAddress,
        namespaces: [String], key: NamespaceKey?, registry: NamespaceRegistry
    ) async throws(NodeError) {
        var settings = TransportConfiguration(nodeID: nodeID, namespaces: namespaces, namespaceKey: key)
        if configuration.advertisedAddress != nil { settings.advertisedHost = advertised.ip.description }
        let transport = TCPTransport(configuration: settings)
        let listener: PeerListener
        do {
            listener = try await transport.listen(on: address)
        } catch {
            throw .startFailed("cannot listen on \(address): \(error)")
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
            listener.close()
            throw .startFailed("\(error)")
        }
        self.transport = transport
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

    /// The port the listener bound.
    var port: UInt16 { listener.localAddress.port }

    /// Stops every service: discovery tells peers the node leaves; connections being served are closed.
    func stop() async {
        listener.close()
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
