import SBWire
import Synchronization

/// Keeps one view of the members of this node's namespaces, from LAN discovery and from peer exchange
/// with static seeds, and answers other nodes' peer list requests: the async driver of ``Membership``.
///
/// With seeds configured, the service connects to each seed every ``MembershipConfiguration/exchangeInterval``,
/// asks for the members of every namespace both are in, and so learns the members its seeds know. Serve
/// incoming connections with ``serve(_:otherwise:)`` (or answer requests with ``answer(_:on:)`` from a
/// loop of your own), so that seeds learn of this node too. Call ``stop()`` when done.
///
/// ```swift
/// let transport = TCPTransport(configuration: TransportConfiguration(nodeID: id, namespaces: ["digits"]))
/// let listener = try await transport.listen(on: SocketAddress(ip: .anyIPv4, port: 0))
/// let seed = try SocketAddress(parsing: "10.0.0.7:7070")
/// let membership = try MembershipService(transport: transport, configuration: MembershipConfiguration(seeds: [seed]))
/// Task { for await peer in listener.connections { Task { await membership.serve(peer) } } }
/// for await event in membership.events {
///     if case .joined(let member) = event { print("found \(member)") }
/// }
/// ```
public final class MembershipService: Sendable {
    /// Members joining, moving and leaving, in the order the service noticed. Meant for one reader;
    /// the latest 4,096 unread events are kept, older ones are dropped and counted.
    public let events: AsyncStream<MembershipEvent>
    /// The transport exchanges connect through.
    public let transport: any Transport

    let core: MembershipCore
    private let tasks: Mutex<[Task<Void, Never>]?>

    /// How many unread events ``events`` keeps.
    private static let eventBufferSize = 4096

    /// Starts exchanging with the seeds and, when given, following discovery.
    ///
    /// - Parameters:
    ///   - transport: Connects to seeds; its configuration gives this node's id, namespaces and secret.
    ///   - discovery: A running discovery service whose ``DiscoveryService/events`` this service reads
    ///     (they have one reader: use ``events`` instead), or nil without LAN discovery.
    ///   - configuration: Seeds and timing.
    /// - Throws: ``MembershipError/invalidConfiguration(_:)`` for unusable values.
    public init(
        transport: any Transport, discovery: DiscoveryService? = nil,
        configuration: MembershipConfiguration = MembershipConfiguration()
    ) throws(MembershipError) {
        try configuration.validate()
        self.transport = transport
        let settings = transport.configuration
        let (events, continuation) = AsyncStream.makeStream(
            of: MembershipEvent.self, bufferingPolicy: .bufferingNewest(Self.eventBufferSize))
        self.events = events
        let core = MembershipCore(
            Membership(
                nodeID: settings.nodeID, namespaces: Set(settings.namespaces), namespaceKey: settings.namespaceKey,
                configuration: configuration, now: .now),
            continuation: continuation)
        self.core = core
        var started = [Task { await Self.exchangeLoop(core: core, transport: transport) }]
        if let discovery {
            started.append(
                Task {
                    for await event in discovery.events { core.apply { $0.discovered(event) } }
                })
        }
        tasks = Mutex(started)
    }

    deinit {
        for task in tasks.withLock({ $0 }) ?? [] { task.cancel() }
        core.finish()
    }

    /// Every known member, ordered by namespace, then node id.
    public var members: [Member] { core.read(\.members) }

    /// The known members of one namespace, ordered by node id.
    public func members(in namespace: String) -> [Member] {
        core.read { $0.members(in: namespace) }
    }

    /// What the service has exchanged, answered and ignored so far.
    public var statistics: MembershipStatistics { core.read(\.statistics) }

    /// Stops exchanging and following discovery, and ends ``events``. Idempotent; the discovery service
    /// itself keeps running.
    public func stop() async {
        guard let running = tasks.withLock({ $0.take() }) else { return }
        for task in running { task.cancel() }
        for task in running { await task.value }
        core.finish()
    }
}
