import SBWire

/// The peers a node knows from discovery: a pure state machine that is told what was heard and
/// what time it is, and answers with the ``PeerEvent``s that follow.
///
/// It does no I/O and reads no clock, so every rule (namespace filtering, the advertised address,
/// expiry) is tested with made-up instants; ``DiscoveryService`` feeds it from the network.
///
/// ```swift
/// var table = PeerTable(nodeID: me, namespaces: [NamespaceTag(openNamespace: "MyFirstNamespace")],
///                       expiry: .seconds(3.5))
/// let events = try table.heard(announcement, from: datagram.sender, at: .now)
/// let gone = table.expire(now: .now)
/// ```
public struct PeerTable: Sendable {
    /// Why an announcement was not taken into the table; discovery counts these and carries on.
    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        /// The address peers would connect to is a wildcard or multicast address.
        case unreachableAddress(IPAddress)
        /// The peer speaks no protocol version this node speaks.
        case incompatibleVersions(ClosedRange<UInt8>, supported: ClosedRange<UInt8>)

        /// What was wrong with the announcement, for logs.
        public var description: String {
            switch self {
            case .unreachableAddress(let address):
                "an announcement advertised \(address), which no peer can connect to"
            case .incompatibleVersions(let versions, let supported):
                "a peer speaks protocol versions \(versions), this node \(supported); upgrade one of them"
            }
        }
    }

    private struct Entry: Sendable {
        var peer: DiscoveredPeer
        /// When an announcement last confirmed ``peer``'s address.
        var addressConfirmed: ContinuousClock.Instant
    }

    /// This node's identity: announcements carrying it are this node's own, looped back.
    public let nodeID: NodeID
    /// The namespaces this node is in; only peers sharing one of them are reported.
    public private(set) var namespaces: Set<NamespaceTag>
    /// How long a peer stays without a heartbeat before ``expire(now:)`` drops it.
    public let expiry: Duration
    /// The protocol versions this node speaks; peers with none of them are rejected.
    public let supportedVersions: ClosedRange<UInt8>

    private var entries: [NodeID: Entry] = [:]

    /// Creates an empty table.
    ///
    /// - Parameters:
    ///   - nodeID: This node's identity.
    ///   - namespaces: The namespaces this node is in.
    ///   - expiry: How long a silent peer is kept.
    ///   - supportedVersions: The protocol versions this node speaks.
    public init(
        nodeID: NodeID, namespaces: Set<NamespaceTag>, expiry: Duration,
        supportedVersions: ClosedRange<UInt8> = WireProtocol.supportedVersions
    ) {
        self.nodeID = nodeID
        self.namespaces = namespaces
        self.expiry = expiry
        self.supportedVersions = supportedVersions
    }

    /// The peers currently known, ordered by node id so that snapshots compare and print stably.
    public var peers: [DiscoveredPeer] {
        entries.values.map(\.peer).sorted { $0.nodeID.bytes.lexicographicallyPrecedes($1.nodeID.bytes) }
    }

    /// The known peers in one namespace.
    public func peers(in namespace: NamespaceTag) -> [DiscoveredPeer] {
        peers.filter { $0.namespaces.contains(namespace) }
    }

    /// The earliest instant at which ``expire(now:)`` will drop a peer, or `nil` with no peers.
    public var nextExpiry: ContinuousClock.Instant? {
        entries.values.map { $0.peer.lastHeard + expiry }.min()
    }

    /// Takes in one received announcement or leave datagram.
    ///
    /// Announcements from this node itself, and from nodes sharing none of its namespaces, change
    /// nothing. An address of ``Announcement/Address/source`` means the datagram's source address;
    /// when a node is heard through several interfaces, the address it was last confirmed at is
    /// kept for half the expiry, so its address does not flap with every heartbeat.
    ///
    /// - Parameters:
    ///   - announcement: The decoded datagram.
    ///   - source: The address the datagram came from.
    ///   - now: When it arrived.
    /// - Returns: `joined`, `updated` or `left` for the sender, or nothing when nothing changed.
    /// - Throws: ``Rejection`` when the announcement cannot describe a reachable, compatible peer.
    public mutating func heard(
        _ announcement: Announcement, from source: SocketAddress, at now: ContinuousClock.Instant
    )
        throws(Rejection) -> [PeerEvent]
    {
        guard announcement.nodeID != nodeID else { return [] }
        guard announcement.kind == .announce else {
            return entries.removeValue(forKey: announcement.nodeID).map { [.left($0.peer, reason: .announced)] } ?? []
        }
        guard announcement.versions.overlaps(supportedVersions) else {
            throw .incompatibleVersions(announcement.versions, supported: supportedVersions)
        }
        let shared = namespaces.intersection(announcement.namespaces)
        guard !shared.isEmpty else {
            return entries.removeValue(forKey: announcement.nodeID).map {
                [.left($0.peer, reason: .noSharedNamespace)]
            } ?? []
        }
        let announced = try Self.advertisedIP(announcement.address, source: source.ip)
        let previous = entries[announcement.nodeID]
        var ip = announced
        var confirmed = now
        if let previous, announced != previous.peer.address.ip, announcement.address == .source,
            now - previous.addressConfirmed < expiry / 2
        {
            ip = previous.peer.address.ip
            confirmed = previous.addressConfirmed
        }
        let peer = DiscoveredPeer(
            nodeID: announcement.nodeID, namespaces: shared, address: SocketAddress(ip: ip, port: announcement.port),
            versions: announcement.versions, lastHeard: now)
        entries[peer.nodeID] = Entry(peer: peer, addressConfirmed: confirmed)
        guard let previous else { return [.joined(peer)] }
        return previous.peer.announcesSame(as: peer) ? [] : [.updated(peer)]
    }

    /// Drops every peer not heard from for ``expiry`` or longer.
    ///
    /// - Parameter now: The current instant.
    /// - Returns: A `left` event with reason `expired` per dropped peer, oldest first.
    public mutating func expire(now: ContinuousClock.Instant) -> [PeerEvent] {
        let stale = entries.values.filter { now - $0.peer.lastHeard >= expiry }.map(\.peer)
        for peer in stale {
            entries[peer.nodeID] = nil
        }
        return stale.sorted { $0.lastHeard < $1.lastHeard }.map { .left($0, reason: .expired) }
    }

    /// Changes the namespaces this node is in.
    ///
    /// Known peers keep only the namespaces still shared; those left with none are dropped. Peers
    /// in newly added namespaces are reported when their next announcement arrives.
    ///
    /// - Returns: `updated` and `left` (reason `noSharedNamespace`) events for the peers affected.
    public mutating func setNamespaces(_ namespaces: Set<NamespaceTag>) -> [PeerEvent] {
        self.namespaces = namespaces
        var events: [PeerEvent] = []
        for var entry in peers.compactMap({ entries[$0.nodeID] }) {
            let shared = entry.peer.namespaces.intersection(namespaces)
            guard shared != entry.peer.namespaces else { continue }
            if shared.isEmpty {
                entries[entry.peer.nodeID] = nil
                events.append(.left(entry.peer, reason: .noSharedNamespace))
            } else {
                entry.peer.namespaces = shared
                entries[entry.peer.nodeID] = entry
                events.append(.updated(entry.peer))
            }
        }
        return events
    }

    /// The address peers connect to: the announced one, or the datagram's source for `.source`.
    private static func advertisedIP(_ address: Announcement.Address, source: IPAddress) throws(Rejection) -> IPAddress
    {
        let ip: IPAddress
        switch address {
        case .source: ip = source
        case .ipv4(let bytes), .ipv6(let bytes):
            // Announcement's initializer guarantees 4 or 16 bytes.
            guard let announced = IPAddress(networkOrder: bytes) else { throw .unreachableAddress(source) }
            ip = announced
        }
        guard !ip.isUnspecified, !ip.isMulticast else { throw .unreachableAddress(ip) }
        return ip
    }
}
