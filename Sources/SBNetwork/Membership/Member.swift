import SBWire

/// A node known to take part in one of this node's namespaces, with the address it accepts connections on.
public struct Member: Hashable, Sendable, CustomStringConvertible {
    /// The member's identity.
    public var nodeID: NodeID
    /// The namespace this entry is about; a node in several shared namespaces is one member per namespace.
    public var namespace: String
    /// Where the member accepts connections: never a wildcard address.
    public var address: SocketAddress

    /// Creates a member value.
    public init(nodeID: NodeID, namespace: String, address: SocketAddress) {
        self.nodeID = nodeID
        self.namespace = namespace
        self.address = address
    }

    /// The node id, address and namespace, for logs.
    public var description: String { "\(nodeID)@\(address) in \(namespace)" }
}

/// A change in the set of members a ``Membership`` reports.
public enum MembershipEvent: Hashable, Sendable {
    /// A node became known as a member of a namespace, through discovery or peer exchange.
    case joined(Member)
    /// A known member is now best reached at another address.
    case updated(Member)
    /// No source confirms the member any more; the value is its last known state.
    case left(Member)

    /// The member the event is about.
    public var member: Member {
        switch self {
        case .joined(let member), .updated(let member), .left(let member): member
        }
    }
}
