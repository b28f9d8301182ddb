/// A change in the set of peers discovery reports.
public enum PeerEvent: Hashable, Sendable {
    /// Why a peer is no longer reported.
    public enum LeaveReason: Hashable, Sendable {
        /// The peer announced that it is shutting down.
        case announced
        /// Nothing was heard from the peer for the configured expiry.
        case expired
        /// The peer, or this node, changed namespaces and they share none any more.
        case noSharedNamespace
    }

    /// A peer sharing a namespace with this node was heard for the first time (or again after leaving).
    case joined(DiscoveredPeer)
    /// A known peer now announces other namespaces, another address or other versions.
    case updated(DiscoveredPeer)
    /// A peer is gone; the value is its last known state.
    case left(DiscoveredPeer, reason: LeaveReason)

    /// The peer the event is about.
    public var peer: DiscoveredPeer {
        switch self {
        case .joined(let peer), .updated(let peer), .left(let peer, _): peer
        }
    }
}
