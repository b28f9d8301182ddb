/// Why a node or one of its namespaces could not do what was asked.
///
/// ```swift
/// do {
///     try await ns.syncModel(timeout: .seconds(10))
/// } catch NodeError.noModelInReach(let namespace, _, let detail) {
///     print("nobody in \(namespace) serves a model yet: \(detail)")
/// }
/// ```
public enum NodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node could not start listening, discovering or exchanging; the text says which and why.
    case startFailed(String)
    /// The node was shut down; open a new one.
    case shutDown
    /// A namespace name must be 1 to 255 bytes of UTF-8.
    case invalidNamespaceName(String)
    /// The namespace is already open on this node.
    case namespaceAlreadyOpen(String)
    /// A secret protects exactly one namespace, and another one is open.
    case secretAppliesToOneNamespace(open: String, requested: String)
    /// The secret is unusable for the namespace (too short, or an invalid name).
    case invalidSecret(String)
    /// The model could not be captured or rebuilt (an architecture that does not describe itself,
    /// weights that do not fit); the text names the problem.
    case invalidModel(String)
    /// No peer served the namespace's model within the timeout. `detail` says what was seen: no peer
    /// at all, or the peers' answers.
    case noModelInReach(namespace: String, waited: Duration, detail: String)
    /// The namespace has no model yet: join it and call ``Namespace/syncModel(timeout:)`` first.
    case noModel(String)
    /// Training in central mode, no authority sent a global model within the timeout.
    case noAuthorityInReach(namespace: String, waited: Duration)
    /// Coordinating as the central authority, every participant left before the rounds were done.
    case participantsLeft(namespace: String, roundsCompleted: Int)

    public var description: String {
        switch self {
        case .startFailed(let reason):
            "the node could not start: \(reason)"
        case .shutDown:
            "the node was shut down; start a new one"
        case .invalidNamespaceName(let name):
            "'\(name)' cannot name a namespace: use 1 to 255 bytes of UTF-8"
        case .namespaceAlreadyOpen(let name):
            "the namespace '\(name)' is already open on this node; use the namespace value you have"
        case .secretAppliesToOneNamespace(let open, let requested):
            "the node's secret protects '\(open)', so it cannot open '\(requested)' too; "
                + "run another node for the second namespace"
        case .invalidSecret(let reason):
            "the namespace secret is unusable: \(reason)"
        case .invalidModel(let reason):
            "the model cannot be shared: \(reason)"
        case .noModelInReach(let namespace, let waited, let detail):
            "no peer served a model for '\(namespace)' within \(waited) (\(detail)); check that a node serves "
                + "the namespace, that discovery reaches it (same network, or seeds), and that the secrets match"
        case .noModel(let name):
            "the namespace '\(name)' has no model yet; call syncModel() first"
        case .participantsLeft(let namespace, let rounds):
            "every participant left '\(namespace)' after \(rounds) completed rounds, and the round timed out"
        case .noAuthorityInReach(let namespace, let waited):
            "no central authority sent a global model for '\(namespace)' within \(waited); check that a node "
                + "runs coordinate(rounds:) in the namespace and that discovery reaches it"
        }
    }
}
