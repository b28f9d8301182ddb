import SBWire

/// A node that discovery heard from and that shares at least one namespace with this node.
public struct DiscoveredPeer: Hashable, Sendable, CustomStringConvertible {
    /// The peer's identity.
    public var nodeID: NodeID
    /// The namespaces the peer shares with this node; tags of other namespaces are never kept.
    public var namespaces: Set<NamespaceTag>
    /// Where the peer accepts connections: never a wildcard address.
    public var address: SocketAddress
    /// The wire protocol versions the peer speaks.
    public var versions: ClosedRange<UInt8>
    /// When the peer's latest announcement arrived.
    public var lastHeard: ContinuousClock.Instant

    /// Creates a peer value.
    public init(
        nodeID: NodeID, namespaces: Set<NamespaceTag>, address: SocketAddress, versions: ClosedRange<UInt8>,
        lastHeard: ContinuousClock.Instant
    ) {
        self.nodeID = nodeID
        self.namespaces = namespaces
        self.address = address
        self.versions = versions
        self.lastHeard = lastHeard
    }

    /// The node id and address, for logs.
    public var description: String { "\(nodeID)@\(address)" }

    /// Whether the two values describe the same peer in the same way, ignoring when it was last heard.
    func announcesSame(as other: DiscoveredPeer) -> Bool {
        nodeID == other.nodeID && namespaces == other.namespaces && address == other.address
            && versions == other.versions
    }
}
