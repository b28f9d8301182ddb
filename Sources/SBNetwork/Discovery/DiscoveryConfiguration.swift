/// How a node announces itself and listens for peers; the defaults suit a LAN.
///
/// ```swift
/// var configuration = DiscoveryConfiguration()          // every LAN interface, 239.255.83.66:27183
/// configuration.scope = .loopback                       // only nodes on this machine
/// configuration.heartbeatInterval = .milliseconds(200)
/// configuration.expiry = .milliseconds(700)
/// ```
public struct DiscoveryConfiguration: Hashable, Sendable {
    /// Which network interfaces discovery uses.
    public enum Scope: Hashable, Sendable {
        /// Every IPv4 interface that is up, not loopback, and can multicast (or broadcast, with
        /// ``DiscoveryConfiguration/broadcastFallback``). Nodes on this machine hear each other through the
        /// same interfaces. On a machine with no such interface, discovery falls back to loopback, so
        /// nodes on one offline machine still find each other.
        case lan
        /// The loopback interface only: datagrams never leave this machine. For tests and single-machine demos.
        case loopback
    }

    /// The organisation-local group 239.255.83.66 ("S", "B" in the last two bytes).
    public static let defaultGroup = IPAddress(239, 255, 83, 66)
    /// UDP port 27183: below Linux's ephemeral range (32768 and up), so no client socket holds it by chance.
    public static let defaultPort: UInt16 = 27_183

    /// Which interfaces to announce on and listen on; ``Scope/lan`` by default.
    public var scope: Scope
    /// The IPv4 multicast group announcements go to; every node of a deployment must use the same one.
    public var group: IPAddress
    /// The UDP port every node binds (shared, with address reuse) and sends to.
    public var port: UInt16
    /// How often a node announces itself. One second by default: an announcement is under 200 bytes,
    /// so even a hundred nodes cost a few kilobytes a second, and a new node is found within a second.
    public var heartbeatInterval: Duration
    /// How long a peer stays known without a heartbeat. 3.5 seconds by default: three heartbeats may
    /// be lost (UDP gives no guarantee) before a live peer is dropped, and the half interval absorbs
    /// scheduling jitter; a dead peer is gone in well under five seconds.
    public var expiry: Duration
    /// Whether, in ``Scope/lan``, interfaces that cannot multicast but can broadcast get announcements
    /// sent to their broadcast address instead. On by default, so discovery works on networks that
    /// drop multicast.
    public var broadcastFallback: Bool

    /// Creates a configuration; every parameter has the LAN default.
    public init(
        scope: Scope = .lan, group: IPAddress = Self.defaultGroup, port: UInt16 = Self.defaultPort,
        heartbeatInterval: Duration = .seconds(1), expiry: Duration = .milliseconds(3500),
        broadcastFallback: Bool = true
    ) {
        self.scope = scope
        self.group = group
        self.port = port
        self.heartbeatInterval = heartbeatInterval
        self.expiry = expiry
        self.broadcastFallback = broadcastFallback
    }

    /// Checks the values a service cannot work with.
    func validate() throws(DiscoveryError) {
        guard group.family == .ipv4, group.isMulticast else {
            throw .invalidConfiguration("the group \(group) is not an IPv4 multicast address (224.0.0.0/4)")
        }
        guard port != 0 else {
            throw .invalidConfiguration("port 0 would give every node a different port; choose a fixed port")
        }
        guard heartbeatInterval > .zero else {
            throw .invalidConfiguration("the heartbeat interval must be positive")
        }
        guard expiry > heartbeatInterval else {
            throw .invalidConfiguration(
                "the expiry (\(expiry)) must be longer than the heartbeat interval (\(heartbeatInterval)), "
                    + "or live peers would be dropped between heartbeats")
        }
    }
}
