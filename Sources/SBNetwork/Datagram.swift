/// One UDP datagram and where it came from.
public struct Datagram: Sendable {
    /// The payload.
    public var bytes: [UInt8]
    /// The sending socket's address; reply to it with ``UDPSocket/send(_:to:timeout:)``.
    public var sender: SocketAddress

    /// Creates a datagram value.
    public init(bytes: [UInt8], sender: SocketAddress) {
        self.bytes = bytes
        self.sender = sender
    }
}
