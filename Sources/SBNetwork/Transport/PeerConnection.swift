import SBWire

/// An open, handshaken connection to one peer, over which whole messages travel in order.
///
/// The connection has already exchanged hellos, agreed on a protocol version and, when the
/// namespace has a secret, proved it in both directions and tags every frame. Messages larger than a
/// frame are split into chunks by ``send(_:timeout:)`` and reassembled by ``receive(timeout:)``.
/// Sends may come from several tasks at once (they take turns, each message whole); so may receives.
///
/// ```swift
/// let peer = try await transport.connect(to: address)
/// try await peer.send(.ping(token: 1))
/// if case .pong(let token) = try await peer.receive(timeout: .seconds(5)) { print("pong \(token)") }
/// await peer.close()
/// ```
public protocol PeerConnection: AnyObject, Sendable {
    /// The hello the peer sent: its node id, namespaces, capabilities and listening port.
    var remoteHello: Hello { get }
    /// The protocol version both sides agreed on.
    var protocolVersion: UInt8 { get }
    /// Whether frames on this connection carry authentication tags (the namespace has a secret).
    var isAuthenticated: Bool { get }
    /// The peer's address as this side sees it.
    var remoteAddress: SocketAddress { get }
    /// This side's address.
    var localAddress: SocketAddress { get }
    /// False once the connection was closed by either side or failed; a closed connection stays closed.
    var isOpen: Bool { get }

    /// Sends a message, in chunks if it is larger than a frame, suspending while the peer is slow to read.
    ///
    /// - Parameters:
    ///   - message: The message.
    ///   - timeout: The limit for sending the whole message; nil waits as long as the peer reads.
    /// - Throws: ``TransportError/network(_:)`` (timed out, reset, closed; the connection is then
    ///   closed), ``TransportError/unsendable(_:)``, or `CancellationError`.
    func send(_ message: Message, timeout: Duration?) async throws

    /// Receives the next message, reassembled from its chunks.
    ///
    /// - Parameter timeout: The limit for receiving the whole message; nil waits indefinitely.
    /// - Returns: The message. An ``Message/error(_:)`` from the peer is returned like any other.
    /// - Throws: ``TransportError/network(_:)`` with ``NetworkError/closedByPeer`` once the peer has
    ///   closed, ``TransportError/malformedData(_:)`` or ``TransportError/authenticationFailed(_:)``
    ///   (a forged, altered or replayed frame; the connection is then closed), or `CancellationError`.
    func receive(timeout: Duration?) async throws -> Message

    /// Closes the connection: messages already sent still arrive, and the peer's next receive
    /// reports ``NetworkError/closedByPeer``. Idempotent.
    func close() async
}

extension PeerConnection {
    /// The peer's node id, from its hello.
    public var remoteNodeID: NodeID { remoteHello.nodeID }

    /// Sends a message with no time limit; see ``send(_:timeout:)``.
    public func send(_ message: Message) async throws {
        try await send(message, timeout: nil)
    }

    /// Receives the next message, waiting indefinitely; see ``receive(timeout:)``.
    public func receive() async throws -> Message {
        try await receive(timeout: nil)
    }
}
