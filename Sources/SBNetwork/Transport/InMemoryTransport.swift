import SBWire
import Synchronization

/// The ``Transport`` inside one process, over an ``InMemoryNetwork``: for simulations of many nodes
/// and for fast, deterministic tests of code that will run over ``TCPTransport``.
///
/// Connections run the same handshake, authentication, chunking, limits and counters as over TCP,
/// with the same ordering, back-pressure (``InMemoryNetwork/bufferCapacity``), close and error
/// semantics; only the bytes never exist: frames pass as values.
///
/// ```swift
/// let network = InMemoryNetwork()
/// let server = InMemoryTransport(configuration: TransportConfiguration(nodeID: .random()), network: network)
/// let listener = try await server.listen(on: SocketAddress(ip: .loopbackIPv4, port: 0))
/// let client = InMemoryTransport(configuration: TransportConfiguration(nodeID: .random()), network: network)
/// let peer = try await client.connect(to: listener.localAddress)
/// ```
public final class InMemoryTransport: Transport {
    public let configuration: TransportConfiguration
    public var statistics: TransportStatistics { recorder.snapshot }
    /// The network this transport's listeners and connections live on.
    public let network: InMemoryNetwork
    /// The IP address this node's connections come from, and its listeners' default address.
    public let host: IPAddress

    private let recorder = StatisticsRecorder()
    /// The port of the latest listener, announced in hellos so peers can connect back.
    private let listenPort = Atomic<UInt16>(0)

    /// Creates a transport on `network`.
    ///
    /// - Parameters:
    ///   - configuration: Identity, secret, limits and timeouts.
    ///   - network: The simulated network shared with the peers.
    ///   - host: The address this node appears to have; give each simulated node its own.
    public init(configuration: TransportConfiguration, network: InMemoryNetwork, host: IPAddress = .loopbackIPv4) {
        self.configuration = configuration
        self.network = network
        self.host = host
    }

    public func listen(on address: SocketAddress) async throws -> PeerListener {
        let (bound, channels) = try network.listen(on: address, statistics: recorder)
        listenPort.store(bound.port, ordering: .releasing)
        let configuration = configuration
        let recorder = recorder
        let network = network
        let hello = try configuration.hello(listenPort: listenPort.load(ordering: .acquiring))
        return PeerListener(
            localAddress: bound,
            accept: {
                var iterator = channels.makeAsyncIterator()
                return await iterator.next()
            },
            stop: { network.stopListening(on: bound) },
            establish: { channel in
                try await FramedPeerConnection.establish(
                    over: channel, role: .responder, localHello: hello, configuration: configuration,
                    statistics: recorder)
            })
    }

    /// Connects to a peer on the same network and runs the handshake; `timeout` is unused, as an
    /// in-memory connection is accepted at once or refused.
    public func connect(to address: SocketAddress, timeout: Duration?) async throws -> any PeerConnection {
        let hello = try configuration.hello(listenPort: listenPort.load(ordering: .acquiring))
        let channel = try network.connect(from: host, to: address, statistics: recorder)
        return try await FramedPeerConnection.establish(
            over: channel, role: .initiator, localHello: hello, configuration: configuration, statistics: recorder)
    }
}
