import CSBShims

/// A UDP socket for discovery traffic: unicast, and IPv4 multicast (see ``joinMulticastGroup(_:interface:)``).
///
/// Several sockets, also in different processes, can share one port when all of them bind with
/// `reusePort: true`; each then receives its own copy of every multicast datagram.
///
/// ```swift
/// let group = try IPAddress(parsing: "239.255.42.99")
/// let socket = try UDPSocket.bind(to: SocketAddress(ip: .anyIPv4, port: 9001), reusePort: true)
/// try socket.joinMulticastGroup(group, interface: .loopbackIPv4)
/// try socket.setMulticastSending(interface: .loopbackIPv4)
/// try await socket.send(Array("hello".utf8), to: SocketAddress(ip: group, port: 9001))
/// let datagram = try await socket.receive(timeout: .seconds(1))
/// ```
public final class UDPSocket: Sendable {
    /// The address the socket is bound to, with the actual port when port 0 was requested.
    public let localAddress: SocketAddress

    let socket: Socket

    private init(socket: Socket, localAddress: SocketAddress) {
        self.socket = socket
        self.localAddress = localAddress
    }

    /// Binds a UDP socket.
    ///
    /// - Parameters:
    ///   - address: An address of this machine (0.0.0.0 or :: for all) and a port; port 0 picks a free one.
    ///   - reusePort: Sets `SO_REUSEADDR` and `SO_REUSEPORT`, so that other sockets that set them too can
    ///     bind the same port: every node on a host can listen on the one discovery port.
    ///   - loop: The event loop that serves the socket.
    /// - Throws: ``NetworkError/addressInUse(_:)``, ``NetworkError/addressUnavailable(_:)``, or another ``NetworkError``.
    public static func bind(to address: SocketAddress, reusePort: Bool = false, loop: EventLoop = .shared)
        throws(NetworkError) -> UDPSocket
    {
        let socket = try Socket.open(for: address, datagram: true, loop: loop)
        do throws(NetworkError) {
            if reusePort {
                _ = try socket.perform(.setOption) { Int(sb_set_reuse($0, 1)) }
            }
            _ = try socket.perform(.setOption) { Int(sb_set_receive_timestamps($0)) }
            var raw = address.raw
            _ = try socket.perform(.bind, address: address) { Int(sb_bind($0, &raw)) }
            return UDPSocket(socket: socket, localAddress: try socket.localAddress())
        } catch {
            socket.close()
            throw error
        }
    }

    /// Sends one datagram, waiting while the system's send buffer is full.
    ///
    /// - Parameters:
    ///   - bytes: The payload; at most 65,507 bytes over IPv4, and less to avoid fragmentation.
    ///   - address: The receiver, or a multicast group and port.
    ///   - timeout: How long to wait for buffer space; `nil` waits indefinitely.
    /// - Throws: ``NetworkError/unreachable(_:)``, ``NetworkError/timedOut(_:)``, another
    ///   ``NetworkError`` (`EMSGSIZE` for a payload too large), or `CancellationError`.
    public func send(_ bytes: [UInt8], to address: SocketAddress, timeout: Duration? = nil) async throws {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        try await socket.exclusively(.writable, .send) {
            while try !sendWithoutWaiting(bytes, to: address) {
                try await socket.wait(for: .writable, deadline: deadline, .send)
            }
        }
    }

    /// Sends one datagram if the system's send buffer has room for it, without waiting: for code that
    /// runs outside Swift concurrency (a Dispatch timer) and must not block its thread.
    ///
    /// Datagrams are whole, so this may run alongside ``send(_:to:timeout:)`` on another thread.
    ///
    /// - Parameters:
    ///   - bytes: The payload; at most 65,507 bytes over IPv4, and less to avoid fragmentation.
    ///   - address: The receiver, or a multicast group and port.
    /// - Returns: Whether the datagram was sent; `false` when the send buffer was full.
    /// - Throws: ``NetworkError/unreachable(_:)``, ``NetworkError/closed``, or another ``NetworkError``.
    public func sendWithoutWaiting(_ bytes: [UInt8], to address: SocketAddress) throws(NetworkError) -> Bool {
        var raw = address.raw
        let sent = try socket.perform(.send, address: address) { descriptor in
            bytes.withUnsafeBytes { sb_send_to(descriptor, $0.baseAddress, $0.count, &raw) }
        }
        return sent != nil
    }

    /// Waits for the next datagram.
    ///
    /// - Parameters:
    ///   - maxSize: The most bytes kept; the rest of a longer datagram is discarded.
    ///   - timeout: How long to wait; `nil` waits indefinitely.
    /// - Returns: The datagram, its sender and when it arrived.
    /// - Throws: ``NetworkError/timedOut(_:)``, ``NetworkError/closed``, another ``NetworkError``, or `CancellationError`.
    public func receive(maxSize: Int = 65_536, timeout: Duration? = nil) async throws -> Datagram {
        precondition(maxSize > 0, "receive(maxSize:) needs a positive size")
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await socket.exclusively(.readable, .receive) {
            while true {
                var sender = sb_address()
                var received: Int?
                var waited: Int64 = 0
                let bytes = try [UInt8](unsafeUninitializedCapacity: maxSize) { buffer, initialized in
                    received = try socket.perform(.receive) {
                        sb_receive_from($0, buffer.baseAddress, buffer.count, &sender, &waited)
                    }
                    initialized = received ?? 0
                }
                if received != nil {
                    return Datagram(
                        bytes: bytes, sender: SocketAddress(raw: sender), arrival: .now - .nanoseconds(waited))
                }
                try await socket.wait(for: .readable, deadline: deadline, .receive)
            }
        }
    }

    /// Closes the socket. A task waiting in ``receive(maxSize:timeout:)`` gets ``NetworkError/closed``.
    public func close() {
        socket.close()
    }
}
