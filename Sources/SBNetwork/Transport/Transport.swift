import SBWire

/// Opens handshaken connections to peers and accepts theirs: the one interface the federation engine
/// uses, whether nodes talk over TCP (``TCPTransport``) or inside one process (``InMemoryTransport``).
///
/// Both implementations run the same handshake, authentication, chunking and limits, and deliver
/// each connection's messages in order with bounded buffering, so code tested over memory behaves
/// the same over TCP.
///
/// ```swift
/// let transport = TCPTransport(configuration: TransportConfiguration(nodeID: .random(), namespaces: ["digits"]))
/// let listener = try await transport.listen(on: SocketAddress(ip: .loopbackIPv4, port: 0))
/// Task {
///     for await peer in listener.connections {
///         if case .ping(let token) = try await peer.receive() { try await peer.send(.pong(token: token)) }
///     }
/// }
/// let peer = try await transport.connect(to: listener.localAddress)
/// ```
public protocol Transport: Sendable {
    /// The identity, secret, limits and timeouts applied to every connection.
    var configuration: TransportConfiguration { get }
    /// What this transport's connections have sent, received and refused so far.
    var statistics: TransportStatistics { get }

    /// Starts accepting connections. Peers that fail the handshake are counted and closed; the
    /// listener's ``PeerListener/connections`` yields only handshaken ones.
    ///
    /// - Parameter address: The address to listen on; port 0 picks a free one.
    /// - Returns: The listener, with its actual address. Later hellos announce its port.
    /// - Throws: ``TransportError/network(_:)``, for example with ``NetworkError/addressInUse(_:)``.
    func listen(on address: SocketAddress) async throws -> PeerListener

    /// Connects to a peer and runs the handshake.
    ///
    /// - Parameters:
    ///   - address: The peer's listening address.
    ///   - timeout: The limit for the connection to be accepted; nil uses ``TransportConfiguration/connectTimeout``.
    ///     The handshake then has ``TransportConfiguration/handshakeTimeout``.
    /// - Returns: The open connection.
    /// - Throws: ``TransportError/network(_:)`` (refused, timed out, reset),
    ///   ``TransportError/noCommonVersion(local:remote:)``, ``TransportError/secretRequired``,
    ///   ``TransportError/peerNotAuthenticated``, ``TransportError/authenticationFailed(_:)``,
    ///   ``TransportError/rejectedByPeer(_:)``, ``TransportError/malformedData(_:)``, or `CancellationError`.
    func connect(to address: SocketAddress, timeout: Duration?) async throws -> any PeerConnection
}

extension Transport {
    /// Connects with ``TransportConfiguration/connectTimeout``; see ``connect(to:timeout:)``.
    public func connect(to address: SocketAddress) async throws -> any PeerConnection {
        try await connect(to: address, timeout: nil)
    }
}
