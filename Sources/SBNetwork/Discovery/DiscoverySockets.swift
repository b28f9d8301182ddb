import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sockets of one discovery service: one listener on the shared port, one sender per route.
///
/// The routes can change while the service runs (an interface comes up, goes down or changes its
/// address): ``update(to:)`` opens senders and joins the group for new routes, and closes and leaves
/// those of routes that are gone. Only the heartbeat's queue calls it and sends, so a send never meets
/// a sender being replaced; the lock only makes the routes readable from elsewhere.
final class DiscoverySockets: Sendable {
    /// Where one sender's datagrams go.
    struct Sender: Sendable {
        let socket: UDPSocket
        let destination: SocketAddress
    }

    let receiver: UDPSocket
    private let group: IPAddress
    private let port: UInt16
    private let senders: Mutex<[(route: DiscoveryRoute, sender: Sender)]>

    /// Binds the shared port and a sender per route; closes whatever it opened if a step fails.
    init(configuration: DiscoveryConfiguration, routes: [DiscoveryRoute]) throws(NetworkError) {
        // Bound to the wildcard address, not the group: broadcast datagrams must arrive too.
        receiver = try UDPSocket.bind(to: SocketAddress(ip: .anyIPv4, port: configuration.port), reusePort: true)
        group = configuration.group
        port = configuration.port
        var opened: [(route: DiscoveryRoute, sender: Sender)] = []
        do throws(NetworkError) {
            for route in routes {
                opened.append((route, try Self.open(route, receiver: receiver, group: group, port: port)))
            }
        } catch {
            receiver.close()
            for (_, sender) in opened { sender.socket.close() }
            throw error
        }
        senders = Mutex(opened)
    }

    /// The routes announcements take now.
    var routes: [DiscoveryRoute] { senders.withLock { $0.map(\.route) } }

    /// The current senders, in route order.
    var currentSenders: [Sender] { senders.withLock { $0.map(\.sender) } }

    /// Moves to `routes`: keeps the senders of routes that stay, closes those of routes that are gone,
    /// and opens senders for new ones. A new route that cannot be set up is left out (the next call
    /// tries again), so one bad interface never stops the others.
    ///
    /// - Returns: Whether the routes changed.
    func update(to routes: [DiscoveryRoute]) -> Bool {
        let old = senders.withLock { $0 }
        let current = old.map(\.route)
        guard routes != current else { return false }
        var kept: [(route: DiscoveryRoute, sender: Sender)] = []
        for route in routes {
            if let existing = old.first(where: { $0.route == route }) {
                kept.append(existing)
            } else if let sender = try? Self.open(route, receiver: receiver, group: group, port: port) {
                kept.append((route, sender))
            }
        }
        for (route, sender) in old where !routes.contains(route) {
            if case .multicast(let interface) = route { try? receiver.leaveMulticastGroup(group, interface: interface) }
            sender.socket.close()
        }
        senders.withLock { $0 = kept }
        return kept.map(\.route) != current
    }

    /// Closes every socket; a pending receive ends with ``NetworkError/closed``.
    func close() {
        receiver.close()
        for sender in currentSenders { sender.socket.close() }
    }

    /// A sender for `route`, and the receiver listening on its interface for multicast routes.
    private static func open(_ route: DiscoveryRoute, receiver: UDPSocket, group: IPAddress, port: UInt16)
        throws(NetworkError) -> Sender
    {
        let socket = try UDPSocket.bind(to: SocketAddress(ip: route.interface, port: 0))
        var joined = false
        do throws(NetworkError) {
            switch route {
            case .multicast(let interface):
                try receiver.joinMulticastGroup(group, interface: interface)
                joined = true
                try socket.setMulticastSending(interface: interface, loopback: true, timeToLive: 1)
                return Sender(socket: socket, destination: SocketAddress(ip: group, port: port))
            case .broadcast(_, let broadcast):
                try socket.allowBroadcast()
                return Sender(socket: socket, destination: SocketAddress(ip: broadcast, port: port))
            }
        } catch {
            if joined { try? receiver.leaveMulticastGroup(group, interface: route.interface) }
            socket.close()
            throw error
        }
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
