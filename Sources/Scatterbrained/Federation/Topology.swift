import SBWire

/// Which nodes of a namespace may take which other nodes' models.
///
/// A topology is a rule, not a list of edges: nodes come and go, so the rule is applied to the
/// current members with ``graph(members:)`` whenever membership changes. Information flows along
/// an edge `A → B`: B may take A's model; A never takes B's unless there is also an edge `B → A`.
///
/// ```swift
/// let graph = Topology.ring.graph(members: peers + [node.id])
/// graph.inNeighbours(of: node.id)    // the two nodes next to this one on the ring
/// ```
public struct Topology: Sendable, Hashable {
    private enum Rule: Sendable, Hashable {
        case fullyConnected
        case ring
        case star(centre: NodeID)
        case directed(edges: [NodeID: Set<NodeID>])
    }

    private let rule: Rule

    private init(_ rule: Rule) { self.rule = rule }

    /// Every node exchanges with every other (the default).
    public static let fullyConnected = Topology(.fullyConnected)

    /// The members in the order of their ids, each exchanging with the next and the previous,
    /// the last joined to the first.
    ///
    /// Every node orders the same membership the same way, so all agree on the ring without
    /// talking about it.
    public static let ring = Topology(.ring)

    /// `centre` exchanges with every other node; the others only with `centre`.
    public static func star(centre: NodeID) -> Topology { Topology(.star(centre: centre)) }

    /// Exactly the given directed edges: for an edge `(from: a, to: b)`, b may take a's model.
    ///
    /// Edges that touch a node which is not a member are ignored until it joins.
    public static func directed(_ edges: [(from: NodeID, to: NodeID)]) -> Topology {
        var incoming: [NodeID: Set<NodeID>] = [:]
        for (from, to) in edges where from != to { incoming[to, default: []].insert(from) }
        return Topology(.directed(edges: incoming))
    }

    /// The edges this rule gives the members `members`.
    ///
    /// Duplicate members count once.
    public func graph(members: some Sequence<NodeID>) -> TopologyGraph {
        let nodes = Set(members).sorted(by: NodeID.precedes)
        let incoming: [NodeID: [NodeID]]
        switch rule {
        case .fullyConnected:
            incoming = Dictionary(uniqueKeysWithValues: nodes.map { node in (node, nodes.filter { $0 != node }) })
        case .ring:
            incoming = Dictionary(
                uniqueKeysWithValues: nodes.indices.map { index in
                    let previous = nodes[(index + nodes.count - 1) % nodes.count]
                    let next = nodes[(index + 1) % nodes.count]
                    return (
                        nodes[index], Set([previous, next]).subtracting([nodes[index]]).sorted(by: NodeID.precedes)
                    )
                })
        case .star(let centre):
            let hasCentre = nodes.contains(centre)
            incoming = Dictionary(
                uniqueKeysWithValues: nodes.map { node in
                    (node, node == centre ? nodes.filter { $0 != centre } : (hasCentre ? [centre] : []))
                })
        case .directed(let edges):
            let memberSet = Set(nodes)
            incoming = Dictionary(
                uniqueKeysWithValues: nodes.map { node in
                    (node, (edges[node] ?? []).filter(memberSet.contains).sorted(by: NodeID.precedes))
                })
        }
        return TopologyGraph(members: nodes, incoming: incoming)
    }
}

extension NodeID {
    /// The order topologies sort members in: by bytes, so every node computes the same order.
    static func precedes(_ lhs: NodeID, _ rhs: NodeID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
