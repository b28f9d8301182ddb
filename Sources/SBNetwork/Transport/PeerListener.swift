import SBWire

/// Accepts connections for a ``Transport`` and hands out the ones that complete the handshake.
///
/// Each incoming connection is handshaken in its own task, so a slow or hostile peer holds up no
/// one else; a failed handshake is counted in the transport's ``TransportStatistics`` and closed.
///
/// ```swift
/// let listener = try await transport.listen(on: SocketAddress(ip: .loopbackIPv4, port: 0))
/// for await peer in listener.connections {
///     Task { try await serve(peer) }
/// }
/// ```
public final class PeerListener: Sendable {
    /// The address peers connect to, with the actual port when port 0 was requested.
    public let localAddress: SocketAddress
    /// The handshaken connections, in the order their handshakes finished. It ends after ``close()``.
    public let connections: AsyncStream<any PeerConnection>

    private let acceptLoop: Task<Void, Never>
    private let stopAccepting: @Sendable () -> Void

    /// Starts accepting.
    ///
    /// - Parameters:
    ///   - accept: Waits for the next raw channel; nil once the listener is closed. A thrown error is
    ///     taken as transient (such as running out of descriptors) and accepting goes on after a pause.
    ///   - stop: Stops `accept`, releasing the address.
    ///   - establish: Runs the responder's handshake on a channel.
    init(
        localAddress: SocketAddress, accept: @escaping @Sendable () async throws -> (any FrameChannel)?,
        stop: @escaping @Sendable () -> Void,
        establish: @escaping @Sendable (any FrameChannel) async throws -> FramedPeerConnection
    ) {
        self.localAddress = localAddress
        stopAccepting = stop
        let (connections, continuation) = AsyncStream.makeStream(of: (any PeerConnection).self)
        self.connections = connections
        acceptLoop = Task {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    let channel: (any FrameChannel)?
                    do {
                        channel = try await accept()
                    } catch {
                        // Transient (for example no descriptors left): pause rather than spin.
                        try? await Task.sleep(for: .milliseconds(10))
                        continue
                    }
                    guard let channel else { break }
                    group.addTask {
                        // A failed handshake is already counted and closed; the listener serves on.
                        guard let connection = try? await establish(channel) else { return }
                        if case .terminated = continuation.yield(connection) {
                            await connection.close()
                        }
                    }
                }
            }
            continuation.finish()
        }
    }

    deinit {
        close()
    }

    /// Stops accepting, abandons handshakes in progress and ends ``connections``. Connections already
    /// handed out stay open. Idempotent.
    public func close() {
        stopAccepting()
        acceptLoop.cancel()
    }

    /// Closes the listener, as ``close()`` does, and returns once it no longer waits on its socket, so
    /// that another listener may serve the same socket.
    public func closeAndWait() async {
        close()
        await acceptLoop.value
    }
}
