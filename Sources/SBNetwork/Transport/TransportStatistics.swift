import Synchronization

/// Counters of what a transport has sent, received and refused, summed over all its connections.
///
/// Nothing a peer sends is dropped without a trace: every malformed frame, refused handshake and
/// failed authentication is counted here, and the connection it arrived on is closed.
///
/// ```swift
/// let counts = transport.statistics
/// print("\(counts.malformedFrames) malformed frames, \(counts.authenticationFailures) failed logins")
/// ```
public struct TransportStatistics: Sendable, Equatable {
    /// Connections that completed the handshake, in either direction.
    public var handshakesCompleted = 0
    /// Handshakes that failed for any reason (including the malformed, unauthenticated and timed-out ones).
    public var rejectedHandshakes = 0
    /// Handshakes that did not finish within ``TransportConfiguration/handshakeTimeout``.
    public var handshakeTimeouts = 0
    /// Streams that carried bytes which are not valid frames or messages: random bytes, a corrupted or
    /// truncated frame, a header announcing more than the frame limit, or a chunked transfer that does not add up.
    public var malformedFrames = 0
    /// Peers that failed to prove the namespace secret, lacked one, or sent a frame whose tag did not
    /// verify (altered, forged or replayed).
    public var authenticationFailures = 0
    /// Messages sent, counting a chunked message once.
    public var messagesSent = 0
    /// Messages received, counting a chunked message once.
    public var messagesReceived = 0
    /// Frame bytes sent, headers and tags included.
    public var bytesSent = 0
    /// Frame bytes received, headers and tags included.
    public var bytesReceived = 0

    /// Creates zeroed counters.
    public init() {}
}

/// The counters one transport and all its connections add to.
final class StatisticsRecorder: Sendable {
    private let counters = Mutex(TransportStatistics())

    var snapshot: TransportStatistics { counters.withLock { $0 } }

    func record(_ update: (inout TransportStatistics) -> Void) {
        counters.withLock { update(&$0) }
    }
}
