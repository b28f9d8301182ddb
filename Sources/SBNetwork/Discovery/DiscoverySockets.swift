#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sockets of one discovery service: one listener on the shared port, one sender per route.
struct DiscoverySockets: Sendable {
    /// Where one sender's datagrams go.
    struct Sender: Sendable {
        let socket: UDPSocket
        let destination: SocketAddress
    }

    let receiver: UDPSocket
    let senders: [Sender]

    /// Binds the shared port and a sender per route; closes whatever it opened if a step fails.
    init(configuration: DiscoveryConfiguration, routes: [DiscoveryRoute]) throws(NetworkError) {
        // Bound to the wildcard address, not the group: broadcast datagrams must arrive too.
        let receiver = try UDPSocket.bind(to: SocketAddress(ip: .anyIPv4, port: configuration.port), reusePort: true)
        var senders: [Sender] = []
        do throws(NetworkError) {
            for route in routes {
                let socket = try UDPSocket.bind(to: SocketAddress(ip: route.interface, port: 0))
                let destination: IPAddress =
                    switch route {
                    case .multicast: configuration.group
                    case .broadcast(_, let broadcast): broadcast
                    }
                // Kept before it is configured, so that a failure below closes it with the others.
                senders.append(
                    Sender(socket: socket, destination: SocketAddress(ip: destination, port: configuration.port)))
                switch route {
                case .multicast(let interface):
                    try receiver.joinMulticastGroup(configuration.group, interface: interface)
                    try socket.setMulticastSending(interface: interface, loopback: true, timeToLive: 1)
                case .broadcast:
                    try socket.allowBroadcast()
                }
            }
        } catch {
            receiver.close()
            for sender in senders { sender.socket.close() }
            throw error
        }
        self.receiver = receiver
        self.senders = senders
    }

    /// Closes every socket; a pending receive ends with ``NetworkError/closed``.
    func close() {
        receiver.close()
        for sender in senders { sender.socket.close() }
    }
}

extension UDPSocket {
    /// Sets `SO_BROADCAST`, without which the system refuses to send to a broadcast address.
    func allowBroadcast() throws(NetworkError) {
        var on: Int32 = 1
        _ = try socket.perform(.setOption) {
            Int(setsockopt($0, SOL_SOCKET, SO_BROADCAST, &on, socklen_t(MemoryLayout<Int32>.size)))
        }
    }
}
