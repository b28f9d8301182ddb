/// What membership has done and ignored so far; nothing is dropped without being counted here.
public struct MembershipStatistics: Hashable, Sendable {
    /// Peer exchanges with seeds that completed.
    public var exchanges = 0
    /// Peer exchanges that failed: the seed was unreachable, refused, or answered out of protocol.
    public var exchangeFailures = 0
    /// Peer list requests answered with a list.
    public var requestsAnswered = 0
    /// Peer list requests refused with an error (a namespace not shared, or not authenticated).
    public var requestsRefused = 0
    /// Peer list entries not taken: a host name instead of an address, or this node itself.
    public var ignoredEntries = 0
    /// Events dropped because the reader of the event stream fell more than its buffer behind.
    public var eventsDropped = 0

    /// Creates zeroed counters.
    public init() {}
}
