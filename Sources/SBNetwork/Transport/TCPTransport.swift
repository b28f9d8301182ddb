import SBWire
import Synchronization

/// The ``Transport`` over TCP, on the non-blocking ``TCPListener`` and ``TCPConnection`` and SBWire framing.
///
/// IPv4 and IPv6 both work; every wait has a timeout; writes apply back-pressure; a peer that sends
/// anything but well-formed frames is counted in ``statistics`` and disconnected without affecting others.
///
/// ```swift
/// let transport = TCPTransport(configuration: TransportConfiguration(nodeID: .random(), namespaces: ["digits"]))
/// let listener = try await transport.listen(on: SocketAddress(ip: .anyIPv4, port: 0))
/// let peer = try await transport.connect(to: try SocketAddress(parsing: "192.168.1.20:7070"))
/// ```
public final class TCPTransport: Transport {
    public let configuration: TransportConfiguration
    public var statistics: TransportStatistics { recorder.snapshot }

    private let loop: EventLoop
    private let recorder = StatisticsRecorder()
    /// The port of the latest listener, announced in hellos so peers can connect back.
    private let listenPort = Atomic<UInt16>(0)

    /// Creates a transport; nothing is opened until ``listen(on:)`` or ``connect(to:timeout:)``.
    ///
    /// - Parameters:
    ///   - configuration: Identity, secret, limits and timeouts.
    ///   - loop: The event loop that serves the sockets.
    public init(configuration: TransportConfiguration, loop: EventLoop = .shared) {
        self.configuration = configuration
        self.loop = loop
    }

    public func listen(on address: SocketAddress) async throws -> PeerListener {
        let listener: TCPListener
        do {
            listener = try TCPListener.bind(to: address, loop: loop)
        } catch {
            throw TransportError.network(error)
        }
        return try serve(listener, closingItOnStop: true)
    }

    /// Serves peers on a listener bound beforehand, which stays open when the returned listener closes.
    ///
    /// A program that replaces its transport (to announce other namespaces, say) keeps its port this
    /// way: no other socket can take the port between the old transport's listener and the new one's,
    /// and peers that connect meanwhile wait in the socket's backlog. Stop the previous listener with
    /// ``PeerListener/closeAndWait()`` before serving the socket again: one task accepts at a time.
    ///
    /// ```swift
    /// let socket = try TCPListener.bind(to: SocketAddress(ip: .anyIPv4, port: 7070))
    /// let listener = try transport.serve(socket)
    /// ```
    ///
    /// - Throws: ``TransportError/unsendable(_:)`` when the configuration cannot make a hello.
    public func serve(_ listener: TCPListener) throws -> PeerListener {
        try serve(listener, closingItOnStop: false)
    }

    private func serve(_ listener: TCPListener, closingItOnStop: Bool) throws -> PeerListener {
        listenPort.store(listener.localAddress.port, ordering: .releasing)
        let configuration = configuration
        let recorder = recorder
        let hello = try configuration.hello(listenPort: listenPort.load(ordering: .acquiring))
        return PeerListener(
            localAddress: listener.localAddress,
            accept: {
                do {
                    let connection = try await listener.accept()
                    return TCPFrameChannel(
                        connection: connection, maxFramePayload: configuration.maxFramePayload, statistics: recorder)
                } catch NetworkError.closed {
                    return nil
                } catch is CancellationError {
                    return nil
                }
            },
            stop: { if closingItOnStop { listener.close() } },
            establish: { channel in
                try await FramedPeerConnection.establish(
                    over: channel, role: .responder, localHello: hello, configuration: configuration,
                    statistics: recorder)
            })
    }

    public func connect(to address: SocketAddress, timeout: Duration?) async throws -> any PeerConnection {
        let hello = try configuration.hello(listenPort: listenPort.load(ordering: .acquiring))
        let connection: TCPConnection
        do {
            connection = try await TCPConnection.connect(
                to: address, timeout: timeout ?? configuration.connectTimeout, loop: loop)
        } catch let error as NetworkError {
            throw TransportError.network(error)
        }
        let channel = TCPFrameChannel(
            connection: connection, maxFramePayload: configuration.maxFramePayload, statistics: recorder)
        return try await FramedPeerConnection.establish(
            over: channel, role: .initiator, localHello: hello, configuration: configuration, statistics: recorder)
    }
}
