import Synchronization

/// A simulated network inside one process: the addresses that ``InMemoryTransport``s listen on and
/// connect to.
///
/// Thousands of nodes can share one network at the cost of a few allocations each, with no sockets,
/// ports or system calls; nothing ever leaves the process. Addresses are ordinary ``SocketAddress``es
/// (each transport picks its host IP), so peer lists and logs read the same as over TCP.
///
/// ```swift
/// let network = InMemoryNetwork()
/// let nodes = (0..<1_000).map { index in
///     InMemoryTransport(configuration: TransportConfiguration(nodeID: .random()), network: network,
///                       host: IPAddress(parsing: "10.0.\(index / 256).\(index % 256)"))
/// }
/// ```
public final class InMemoryNetwork: Sendable {
    /// The frame bytes one direction of a connection buffers before its sender waits: the in-memory
    /// counterpart of a socket's send and receive buffers.
    public let bufferCapacity: Int

    private struct Listener {
        let channels: AsyncStream<InMemoryFrameChannel>.Continuation
        /// The listening transport's counters, which the accepted ends add to.
        let statistics: StatisticsRecorder
    }

    private struct State {
        var listeners: [SocketAddress: Listener] = [:]
        /// The next port to try when a listener asks for port 0 or a connection needs a local port.
        var nextPort: UInt16 = 1024
    }

    private let state = Mutex(State())

    /// Creates an empty network.
    ///
    /// - Parameter bufferCapacity: Bytes buffered per direction of each connection; 4 MiB by default.
    public init(bufferCapacity: Int = 4 * 1024 * 1024) {
        precondition(bufferCapacity > 0, "bufferCapacity must be positive")
        self.bufferCapacity = bufferCapacity
    }

    /// Registers a listener, returning its address and the channels of connections made to it.
    func listen(on requested: SocketAddress, statistics: StatisticsRecorder) throws(TransportError)
        -> (address: SocketAddress, channels: AsyncStream<InMemoryFrameChannel>)
    {
        let (channels, continuation) = AsyncStream.makeStream(of: InMemoryFrameChannel.self)
        let address = try state.withLock { state throws(TransportError) in
            let address = requested.port == 0 ? try Self.freeAddress(on: requested.ip, in: &state) : requested
            guard state.listeners[address] == nil else { throw .network(.addressInUse(address)) }
            state.listeners[address] = Listener(channels: continuation, statistics: statistics)
            return address
        }
        return (address, channels)
    }

    /// Removes a listener; connections already made stay open.
    func stopListening(on address: SocketAddress) {
        let listener = state.withLock { $0.listeners.removeValue(forKey: address) }
        listener?.channels.finish()
    }

    /// Connects to a listener, returning the client's end; the listener receives the other end.
    ///
    /// - Throws: ``TransportError/network(_:)`` with ``NetworkError/connectionRefused(_:)`` when nothing listens there.
    func connect(from host: IPAddress, to address: SocketAddress, statistics: StatisticsRecorder) throws(TransportError)
        -> InMemoryFrameChannel
    {
        let (listener, local) = state.withLock { state in
            (state.listeners[address], try? Self.freeAddress(on: host, in: &state))
        }
        guard let listener, let local else { throw .network(.connectionRefused(address)) }
        let toServer = FramePipe(capacity: bufferCapacity)
        let toClient = FramePipe(capacity: bufferCapacity)
        let client = InMemoryFrameChannel(
            localAddress: local, remoteAddress: address, outgoing: toServer, incoming: toClient, statistics: statistics)
        let server = InMemoryFrameChannel(
            localAddress: address, remoteAddress: local, outgoing: toClient, incoming: toServer,
            statistics: listener.statistics)
        guard case .enqueued = listener.channels.yield(server) else { throw .network(.connectionRefused(address)) }
        return client
    }

    /// An address on `host` that no listener holds. Client ends of connections share the same range;
    /// they need not be unique, as nothing connects to them.
    private static func freeAddress(on host: IPAddress, in state: inout State) throws(TransportError) -> SocketAddress {
        for _ in 0..<Int(UInt16.max) {
            let candidate = SocketAddress(ip: host, port: state.nextPort)
            state.nextPort = state.nextPort == .max ? 1024 : state.nextPort + 1
            if state.listeners[candidate] == nil { return candidate }
        }
        throw .network(.addressUnavailable(SocketAddress(ip: host, port: 0)))
    }
}
