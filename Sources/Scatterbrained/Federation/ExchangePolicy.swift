import SBWire

/// The one rule both ends of an exchange apply: may this model travel from that node to this one?
///
/// A sender asks before it sends and a receiver asks again before it merges, with the same
/// function, so a topology or filter cannot be bypassed by a misbehaving or misconfigured peer.
///
/// ```swift
/// let policy = ExchangePolicy(graph: Topology.ring.graph(members: members), filter: .denying([mallory]))
/// if policy.mayReceive(from: sender, to: node.id) { /* merge the model */ }
/// ```
public struct ExchangePolicy: Sendable, Equatable {
    /// The edges of the namespace's topology for its current members.
    public var graph: TopologyGraph
    /// The nodes this namespace refuses or limits itself to.
    public var filter: PeerFilter

    /// Creates a policy from a topology graph and a filter that admits everyone by default.
    public init(graph: TopologyGraph, filter: PeerFilter = .allowAll) {
        self.graph = graph
        self.filter = filter
    }

    /// Whether `receiver` may take `sender`'s model: the graph has the edge and the filter admits
    /// both ends.
    public func mayReceive(from sender: NodeID, to receiver: NodeID) -> Bool {
        filter.admits(sender) && filter.admits(receiver) && graph.hasEdge(from: sender, to: receiver)
    }

    /// The nodes whose models `node` takes.
    public func sources(of node: NodeID) -> [NodeID] {
        graph.inNeighbours(of: node).filter { mayReceive(from: $0, to: node) }
    }

    /// The nodes that take `node`'s model.
    public func destinations(of node: NodeID) -> [NodeID] {
        graph.outNeighbours(of: node).filter { mayReceive(from: node, to: $0) }
    }
}
