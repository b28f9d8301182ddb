import SBWire

/// A namespace's own list of the nodes it will exchange models with, on top of its topology.
///
/// ```swift
/// let filter = PeerFilter.denying([untrusted])       // everyone but `untrusted`
/// let onlyLab = PeerFilter.allowing([alice, bob])     // nobody but these two
/// ```
public struct PeerFilter: Sendable, Hashable {
    private let allowed: Set<NodeID>?
    private let denied: Set<NodeID>

    private init(allowed: Set<NodeID>?, denied: Set<NodeID>) {
        self.allowed = allowed
        self.denied = denied
    }

    /// Admits every node (the default).
    public static let allowAll = PeerFilter(allowed: nil, denied: [])

    /// Admits only the given nodes.
    public static func allowing(_ nodes: Set<NodeID>) -> PeerFilter { PeerFilter(allowed: nodes, denied: []) }

    /// Admits every node except the given ones.
    public static func denying(_ nodes: Set<NodeID>) -> PeerFilter { PeerFilter(allowed: nil, denied: nodes) }

    /// Whether models may flow to or from `node`.
    public func admits(_ node: NodeID) -> Bool {
        !denied.contains(node) && (allowed?.contains(node) ?? true)
    }
}
