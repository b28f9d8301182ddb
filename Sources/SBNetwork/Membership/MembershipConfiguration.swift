/// How a node exchanges peer lists with its seeds and how long what it learns stays valid.
///
/// ```swift
/// var configuration = MembershipConfiguration(seeds: [try SocketAddress(parsing: "10.0.0.7:7070")])
/// configuration.exchangeInterval = .seconds(2)
/// configuration.expiry = .seconds(7)
/// ```
public struct MembershipConfiguration: Hashable, Sendable {
    /// Nodes asked for their peer lists every ``exchangeInterval``: the way in on networks without
    /// multicast. Each is a `host:port` a node listens on.
    public var seeds: [SocketAddress]
    /// How often each seed is asked again. Five seconds by default: a peer list of a hundred members
    /// is a few kilobytes, and a member a seed learns of is known everywhere within one interval.
    public var exchangeInterval: Duration
    /// How long a member learned from a peer list, or from talking to it, stays without being confirmed
    /// again. 3.5 intervals by default, like discovery: three lost exchanges are tolerated.
    public var expiry: Duration

    /// Creates a configuration.
    public init(
        seeds: [SocketAddress] = [], exchangeInterval: Duration = .seconds(5), expiry: Duration = .milliseconds(17_500)
    ) {
        self.seeds = seeds
        self.exchangeInterval = exchangeInterval
        self.expiry = expiry
    }

    /// Checks the values membership cannot work with.
    func validate() throws(MembershipError) {
        guard exchangeInterval > .zero else {
            throw .invalidConfiguration("the exchange interval must be positive")
        }
        guard expiry > exchangeInterval else {
            throw .invalidConfiguration(
                "the expiry (\(expiry)) must be longer than the exchange interval (\(exchangeInterval)), "
                    + "or members would be dropped between exchanges")
        }
        if let seed = seeds.first(where: { $0.ip.isUnspecified || $0.ip.isMulticast || $0.port == 0 }) {
            throw .invalidConfiguration("the seed \(seed) is not an address a node listens on")
        }
    }
}

/// Why membership cannot start.
public enum MembershipError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A configuration value is unusable; the text says which and why.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid membership configuration: \(reason)"
        }
    }
}
