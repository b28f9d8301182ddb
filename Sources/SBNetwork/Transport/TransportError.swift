import SBWire

/// Why a transport could not open, use or keep a connection to a peer.
///
/// Failures below the protocol (refused, timed out, reset, closed) keep their ``NetworkError``, which the
/// in-memory transport raises too, so callers handle both transports with one set of cases.
///
/// ```swift
/// do {
///     let peer = try await transport.connect(to: address)
/// } catch TransportError.network(.connectionRefused) {
///     print("nothing listens there yet")
/// } catch TransportError.rejectedByPeer(let refusal) where refusal.code == .authenticationFailed {
///     print("the namespace secret differs from the peer's")
/// }
/// ```
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection failed below the protocol: refused, unreachable, timed out, reset or closed.
    case network(NetworkError)
    /// The peer sent bytes that are not valid protocol data; the connection was closed.
    case malformedData(WireError)
    /// The two hellos share no protocol version; the connection was closed.
    case noCommonVersion(local: [UInt8], remote: [UInt8])
    /// This side has a namespace secret and the peer offered no authentication; the connection was closed.
    case peerNotAuthenticated
    /// The peer authenticates with a namespace secret and this side has none; the connection was closed.
    case secretRequired
    /// The peer's handshake proof or a frame tag did not verify (wrong secret, tampering, replay).
    case authenticationFailed(AuthenticationError)
    /// The peer ended the handshake with an error message, for example because it rejected this side's proof.
    case rejectedByPeer(ErrorMessage)
    /// The peer sent a message the handshake does not allow at this point.
    case unexpectedMessage(MessageType, expected: String)
    /// The message cannot be sent: it breaks a protocol limit or the sender's own configuration.
    case unsendable(WireError)

    public var description: String {
        switch self {
        case .network(let error):
            "\(error)"
        case .malformedData(let error):
            "the peer sent invalid protocol data, so the connection was closed: \(error)"
        case .noCommonVersion(let local, let remote):
            "no common protocol version: this node speaks \(local), the peer speaks \(remote); upgrade the older one"
        case .peerNotAuthenticated:
            "the namespace has a secret but the peer did not authenticate; give the peer the same secret"
        case .secretRequired:
            "the peer requires a namespace secret; configure the namespace's secret on this node"
        case .authenticationFailed(let error):
            "authentication failed: \(error). Check that both nodes use the same namespace secret"
        case .rejectedByPeer(let message):
            "the peer refused the connection (\(message.code)): \(message.text)"
        case .unexpectedMessage(let type, let expected):
            "the peer sent a \(type) message where \(expected) was expected; it does not follow the protocol"
        case .unsendable(let error):
            "the message cannot be sent: \(error)"
        }
    }
}
