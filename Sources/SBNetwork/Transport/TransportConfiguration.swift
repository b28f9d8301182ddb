import SBWire

/// Who this node is on its connections, how it authenticates, and the limits and timeouts it applies.
///
/// The defaults suit a node on a LAN; only the node id is required.
///
/// ```swift
/// var configuration = TransportConfiguration(nodeID: .random(), namespaces: ["MyFirstNamespace"])
/// configuration.namespaceKey = try NamespaceKey(secret: Array(secret.utf8), namespace: "MyFirstNamespace")
/// let transport = TCPTransport(configuration: configuration)
/// ```
public struct TransportConfiguration: Sendable {
    /// This node's identity, sent in every hello.
    public var nodeID: NodeID
    /// The namespaces this node takes part in, sent in every hello.
    public var namespaces: [String]
    /// The protocol versions this node offers in its hello, ascending.
    public var versions: [UInt8]
    /// The abilities announced in the hello. The transport sets or clears
    /// ``Hello/Capabilities/frameAuthentication`` itself: it tells the peer whether this side will
    /// authenticate on the connection, that is whether ``namespaceKey`` is set.
    public var capabilities: Hello.Capabilities
    /// The host peers should connect to, announced in the hello; empty means "the address this connection came from".
    public var advertisedHost: String
    /// When set, every connection must prove this namespace secret with the challenge–response handshake,
    /// and every frame after it carries a tag that is checked against replay and tampering.
    public var namespaceKey: NamespaceKey?
    /// How long `connect` waits for the peer to accept the connection.
    public var connectTimeout: Duration
    /// How long the hello exchange and authentication may take, on each side.
    public var handshakeTimeout: Duration
    /// The payload size above which a message is sent in chunks; at most ``WireProtocol/maxFramePayload``.
    /// It is also the largest frame this side accepts.
    public var maxFramePayload: Int
    /// The largest message this side accepts after reassembling its chunks.
    public var maxMessageSize: Int

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - nodeID: This node's identity.
    ///   - namespaces: The namespaces announced in the hello.
    ///   - namespaceKey: The namespace secret's keys, or nil for an open namespace.
    public init(nodeID: NodeID, namespaces: [String] = [], namespaceKey: NamespaceKey? = nil) {
        self.nodeID = nodeID
        self.namespaces = namespaces
        self.namespaceKey = namespaceKey
        versions = Array(WireProtocol.supportedVersions)
        capabilities = .implemented
        advertisedHost = ""
        connectTimeout = .seconds(5)
        handshakeTimeout = .seconds(5)
        maxFramePayload = WireProtocol.maxFramePayload
        maxMessageSize = WireProtocol.defaultMaxTransferSize
    }

    /// The hello this node sends, announcing `listenPort` (0 when it accepts no connections).
    ///
    /// - Throws: ``TransportError/unsendable(_:)`` when the configured versions, host or namespaces break the protocol's rules.
    func hello(listenPort: UInt16) throws(TransportError) -> Hello {
        var announced = capabilities
        if namespaceKey == nil {
            announced.remove(.frameAuthentication)
        } else {
            announced.insert(.frameAuthentication)
        }
        do throws(WireError) {
            return try Hello(
                nodeID: nodeID, versions: versions, capabilities: announced, listenPort: listenPort,
                advertisedHost: advertisedHost, namespaces: namespaces)
        } catch {
            throw .unsendable(error)
        }
    }
}
