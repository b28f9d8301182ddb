import SBWire

/// Moves whole frames between two ends of one connection, in order: the part of a transport that
/// differs between TCP and memory. Handshake, authentication, chunking and counting sit above it,
/// in ``FramedPeerConnection``, and so behave the same on both.
///
/// At most one `send` and one `receive` run at a time; ``FramedPeerConnection`` serializes callers.
protocol FrameChannel: Sendable {
    /// This end's address.
    var localAddress: SocketAddress { get }
    /// The other end's address.
    var remoteAddress: SocketAddress { get }

    /// Sends one frame, suspending while the channel's buffer toward the peer is full.
    ///
    /// - Throws: ``TransportError/network(_:)`` (timed out, reset, closed) or `CancellationError`.
    func send(_ frame: Frame, deadline: ContinuousClock.Instant?) async throws

    /// Receives the next frame, or nil once the peer has closed its side between frames.
    ///
    /// - Throws: ``TransportError/network(_:)``, ``TransportError/malformedData(_:)`` for bytes that
    ///   are not a frame (the stream cannot be used afterwards), or `CancellationError`.
    func receive(deadline: ContinuousClock.Instant?) async throws -> Frame?

    /// Closes the channel. Gracefully, frames already sent still reach the peer and this side waits
    /// (within a bound) for the peer to close too; otherwise it closes at once.
    func close(gracefully: Bool) async
}

/// The time left until `deadline`, zero once it has passed, or nil for no deadline.
func timeRemaining(until deadline: ContinuousClock.Instant?) -> Duration? {
    deadline.map { max(.zero, ContinuousClock.now.duration(to: $0)) }
}

/// The instant `timeout` from now, or nil for no limit.
func deadline(after timeout: Duration?) -> ContinuousClock.Instant? {
    timeout.map { ContinuousClock.now + $0 }
}
