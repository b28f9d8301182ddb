/// Progress in a namespace, for user interfaces and logs: see ``Namespace/events``.
public enum NamespaceEvent: Sendable, Equatable {
    /// A node joined the namespace (found by discovery or peer exchange).
    case peerJoined(Member)
    /// A node left the namespace, or went silent.
    case peerLeft(Member)
    /// A local training epoch finished.
    case epochFinished(EpochReport)
    /// The model was downloaded from a peer.
    case modelSynced(from: NodeID, version: UInt64)
    /// A peer downloaded this node's model.
    case modelServed(to: NodeID, version: UInt64)
    /// A synchronous round closed: the model was aggregated with the models of `contributors`
    /// (other nodes; empty when none arrived in time).
    case modelMerged(round: Int, contributors: [NodeID])
    /// A peer's model was refused (not a neighbour, incompatible, late or repeated), and why.
    case updateRejected(from: NodeID, reason: String)
}
