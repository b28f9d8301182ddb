import SBWire

/// The edges a ``Topology`` gives one membership of a namespace.
///
/// Neighbour lists are sorted by node id, so every node that computes the graph of the same
/// members sees the same lists.
public struct TopologyGraph: Sendable, Equatable {
    /// The members, sorted by id.
    public let members: [NodeID]
    private let incoming: [NodeID: [NodeID]]
    private let outgoing: [NodeID: [NodeID]]

    init(members: [NodeID], incoming: [NodeID: [NodeID]]) {
        self.members = members
        self.incoming = incoming
        var outgoing: [NodeID: [NodeID]] = Dictionary(uniqueKeysWithValues: members.map { ($0, []) })
        // Members are visited in sorted order, so every outgoing list comes out sorted too.
        for node in members {
            for source in incoming[node] ?? [] { outgoing[source, default: []].append(node) }
        }
        self.outgoing = outgoing
    }

    /// The nodes whose models `node` may take (edges into `node`); empty for a non-member.
    public func inNeighbours(of node: NodeID) -> [NodeID] { incoming[node] ?? [] }

    /// The nodes that may take `node`'s model (edges out of `node`); empty for a non-member.
    public func outNeighbours(of node: NodeID) -> [NodeID] { outgoing[node] ?? [] }

    /// The nodes joined to `node` by an edge in either direction.
    public func neighbours(of node: NodeID) -> [NodeID] {
        Set(inNeighbours(of: node) + outNeighbours(of: node)).sorted(by: NodeID.precedes)
    }

    /// Whether there is an edge `from → to`: `to` may take `from`'s model.
    public func hasEdge(from: NodeID, to: NodeID) -> Bool {
        inNeighbours(of: to).contains(from)
    }
}
