/// Counters of what a ``DiscoveryService`` sent and received: nothing it ignores goes uncounted.
public struct DiscoveryStatistics: Hashable, Sendable {
    /// Datagrams sent (announcements and leaves, one per interface).
    public var sent = 0
    /// Sends the system refused (for example, an interface went down); the next heartbeat retries.
    public var sendFailures = 0
    /// Datagrams received, whatever their content.
    public var received = 0
    /// Well-formed datagrams the peer table took in (also this node's own, looped back).
    public var accepted = 0
    /// Datagrams that do not start with the discovery magic: another protocol on the port.
    public var foreign = 0
    /// Discovery datagrams of another format version, or from peers sharing no protocol version.
    public var otherVersion = 0
    /// Discovery datagrams that are truncated, oversized, corrupted or hold invalid fields.
    public var malformed = 0
    /// Well-formed announcements advertising an address no peer could connect to.
    public var unreachableAddress = 0
    /// Receive calls that failed for a reason other than shutdown; the receive loop carries on.
    public var receiveFailures = 0
    /// Times the routes changed after the start, following the machine's interfaces (``DiscoveryService/routes``).
    public var routeChanges = 0
    /// Peer events dropped because the ``DiscoveryService/events`` buffer was full (nobody reading).
    public var eventsDropped = 0

    /// Creates zeroed counters.
    public init() {}

    /// Every datagram that was received but not accepted.
    public var ignored: Int { foreign + otherVersion + malformed + unreachableAddress }
}
