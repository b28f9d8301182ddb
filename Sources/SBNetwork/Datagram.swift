/// One UDP datagram, where it came from and when it arrived.
public struct Datagram: Sendable {
    /// The payload.
    public var bytes: [UInt8]
    /// The sending socket's address; reply to it with ``UDPSocket/send(_:to:timeout:)``.
    public var sender: SocketAddress
    /// When the system took the datagram in, which can be well before this process read it when the
    /// process was busy; the time of reading where the system gives no timestamp.
    public var arrival: ContinuousClock.Instant

    /// Creates a datagram value.
    public init(bytes: [UInt8], sender: SocketAddress, arrival: ContinuousClock.Instant = .now) {
        self.bytes = bytes
        self.sender = sender
        self.arrival = arrival
    }
}
