#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything that can go wrong below the wire protocol, with a message that says what to do about it.
///
/// Operations that suspend (`accept`, `connect`, `read`, `write`, `send`, `receive`) throw these,
/// or `CancellationError` when their task is cancelled while waiting.
///
/// ```swift
/// do {
///     let connection = try await TCPConnection.connect(to: peer, timeout: .seconds(2))
/// } catch NetworkError.connectionRefused(let address) {
///     print("no node listens on \(address) yet")
/// }
/// ```
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The step that failed, named in messages.
    public enum Operation: String, Sendable {
        /// Creating a socket (fails when the process runs out of descriptors).
        case openSocket = "open a socket"
        /// Setting a socket option, such as address reuse or a multicast membership.
        case setOption = "set a socket option"
        /// Binding a socket to a local address.
        case bind = "bind"
        /// Turning a bound socket into a listener.
        case listen = "listen"
        /// Accepting an incoming connection.
        case accept = "accept a connection"
        /// Connecting to a peer.
        case connect = "connect"
        /// Reading from a connection.
        case read = "read"
        /// Writing to a connection.
        case write = "write"
        /// Sending a datagram.
        case send = "send a datagram"
        /// Receiving a datagram.
        case receive = "receive a datagram"
        /// Asking the system for a socket's local address.
        case queryAddress = "query a socket address"
        /// Creating an event loop's kernel queue.
        case startEventLoop = "start the event loop"
        /// Adding a socket to its event loop's kernel queue.
        case watch = "watch a socket for readiness"
    }

    /// The text is not a numeric IPv4 or IPv6 address (with a port where one is expected).
    case invalidAddress(String, reason: String)
    /// A host name in the text (`host:port`) that the system's resolver could not turn into an address.
    case hostNotFound(String, reason: String)
    /// Another socket already owns the address.
    case addressInUse(SocketAddress)
    /// The address belongs to no interface of this machine.
    case addressUnavailable(SocketAddress)
    /// Nothing listens at the address.
    case connectionRefused(SocketAddress)
    /// No route leads to the address.
    case unreachable(SocketAddress)
    /// The peer aborted the connection.
    case connectionReset
    /// The peer closed the connection before the bytes a read required arrived.
    case closedByPeer
    /// The operation's deadline passed first.
    case timedOut(Operation)
    /// The socket was closed by this process, before or during the operation.
    case closed
    /// Another task is already doing the same kind of operation on this socket.
    case concurrentOperation(Operation)
    /// The event loop that serves the socket was shut down.
    case eventLoopShutDown
    /// Any other failure of a system call, with the system's own explanation.
    case system(Operation, code: Int32, message: String)

    /// What went wrong and what to do about it, in one sentence for logs and command-line output.
    public var description: String {
        switch self {
        case .invalidAddress(let text, let reason):
            "'\(text)' is not a valid address: \(reason). Use a numeric host such as 127.0.0.1:9000 or [::1]:9000."
        case .hostNotFound(let text, let reason):
            "cannot resolve the host of '\(text)': \(reason). Check the name, or give a numeric address."
        case .addressInUse(let address):
            "\(address) is already in use by another socket; choose another port, or port 0 for a free one."
        case .addressUnavailable(let address):
            "\(address) is not an address of this machine; bind to one of its interface addresses, 0.0.0.0 or ::."
        case .connectionRefused(let address):
            "\(address) refused the connection: nothing listens on that port. Is the peer running?"
        case .unreachable(let address):
            "no route to \(address); check the address and this machine's network connection."
        case .connectionReset:
            "the peer reset the connection (it exited or closed with unread data); reconnect to continue."
        case .closedByPeer:
            "the peer closed the connection before all expected bytes arrived."
        case .timedOut(let operation):
            "timed out trying to \(operation.rawValue); the peer may be slow or unreachable. Retry or allow more time."
        case .closed:
            "the socket was closed by this process."
        case .concurrentOperation(let operation):
            "another task is already trying to \(operation.rawValue) on this socket; such calls must not overlap."
        case .eventLoopShutDown:
            "the event loop serving this socket was shut down; create sockets on a running loop."
        case .system(let operation, let code, let message):
            "could not \(operation.rawValue): \(message) (errno \(code))."
        }
    }

    /// Maps an `errno` value to the case a caller can act on, naming `address` where the error is about it.
    static func from(errno code: Int32, _ operation: Operation, address: SocketAddress? = nil) -> NetworkError {
        switch (code, address) {
        case (EADDRINUSE, let address?): .addressInUse(address)
        case (EADDRNOTAVAIL, let address?): .addressUnavailable(address)
        case (ECONNREFUSED, let address?): .connectionRefused(address)
        case (ENETUNREACH, let address?), (EHOSTUNREACH, let address?): .unreachable(address)
        case (ECONNRESET, _), (EPIPE, _): .connectionReset
        case (ETIMEDOUT, _): .timedOut(operation)
        default: .system(operation, code: code, message: String(cString: strerror(code)))
        }
    }

    /// The error for the current `errno`, read before anything else can overwrite it.
    static func fromErrno(_ operation: Operation, address: SocketAddress? = nil) -> NetworkError {
        from(errno: errno, operation, address: address)
    }
}
