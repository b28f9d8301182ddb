import CSBShims

/// A TCP socket that accepts connections, without blocking a thread while it waits.
///
/// ```swift
/// let listener = try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0))
/// print("listening on \(listener.localAddress)")      // the port the system chose
/// while true {
///     let connection = try await listener.accept()
///     Task { try await serve(connection) }
/// }
/// ```
public final class TCPListener: Sendable {
    /// The address the listener is bound to, with the actual port when port 0 was requested.
    public let localAddress: SocketAddress

    private let socket: Socket

    private init(socket: Socket, localAddress: SocketAddress) {
        self.socket = socket
        self.localAddress = localAddress
    }

    /// Binds a listening socket.
    ///
    /// The socket sets `SO_REUSEADDR`, so a restarted node can bind its port again while
    /// connections of its previous run linger in TIME_WAIT (two live listeners still cannot share a port).
    ///
    /// - Parameters:
    ///   - address: An address of this machine (or 0.0.0.0 / ::) and a port; port 0 picks a free one.
    ///   - backlog: How many connections the system completes ahead of ``accept(timeout:)``.
    ///   - loop: The event loop that serves the listener and the connections it accepts.
    /// - Throws: ``NetworkError/addressInUse(_:)``, ``NetworkError/addressUnavailable(_:)``, or another ``NetworkError``.
    public static func bind(to address: SocketAddress, backlog: Int = 128, loop: EventLoop = .shared)
        throws(NetworkError) -> TCPListener
    {
        let socket = try Socket.open(for: address, datagram: false, loop: loop)
        do throws(NetworkError) {
            _ = try socket.perform(.setOption) { Int(sb_set_reuse($0, 0)) }
            var raw = address.raw
            _ = try socket.perform(.bind, address: address) { Int(sb_bind($0, &raw)) }
            _ = try socket.perform(.listen) { Int(sb_listen($0, Int32(clamping: backlog))) }
            return TCPListener(socket: socket, localAddress: try socket.localAddress())
        } catch {
            socket.close()
            throw error
        }
    }

    /// Waits for the next incoming connection.
    ///
    /// Only one task may wait in `accept` at a time; hand accepted connections to other tasks.
    ///
    /// - Parameter timeout: How long to wait; `nil` waits until a peer connects.
    /// - Returns: The connection, with `TCP_NODELAY` set.
    /// - Throws: ``NetworkError/timedOut(_:)``, ``NetworkError/closed`` when the listener is closed
    ///   meanwhile, another ``NetworkError``, or `CancellationError`.
    public func accept(timeout: Duration? = nil) async throws -> TCPConnection {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await socket.exclusively(.readable, .accept) {
            var peer = sb_address()
            while true {
                if let descriptor = try socket.perform(.accept, { Int(sb_accept($0, &peer)) }) {
                    let connection = try Socket(descriptor: Int32(descriptor), loop: socket.loop)
                    return try TCPConnection(socket: connection, remoteAddress: SocketAddress(raw: peer))
                }
                try await socket.wait(for: .readable, deadline: deadline, .accept)
            }
        }
    }

    /// Stops listening and releases the port. A task waiting in ``accept(timeout:)`` gets ``NetworkError/closed``.
    public func close() {
        socket.close()
    }
}
