import SBWire

/// The members of this node's namespaces, merged from LAN discovery and peer exchange: a pure state
/// machine that is told what happened and what time it is, and answers with ``Action``s.
///
/// Each member is known through one or more *sightings*: a discovery announcement, a connection with
/// the member itself (it asked this node for peers, or this node asked it), or a seed's peer list.
/// A member stays as long as one sighting does. Discovery sightings end with discovery's own
/// `left` events; the others end when not renewed within ``MembershipConfiguration/expiry``, and a
/// seed's sighting also ends as soon as that seed's next list omits the member.
///
/// Peer lists carry only first-hand knowledge (discovery and direct contact), never what this node
/// learned from other lists, so a dead member cannot be kept alive by nodes repeating each other.
///
/// ```swift
/// var membership = Membership(nodeID: me, namespaces: ["digits"], configuration: configuration, now: .now)
/// for action in membership.tick(now: .now) {
///     if case .exchange(let seed) = action { /* ask `seed`, then call exchanged(with:...) */ }
/// }
/// ```
public struct Membership: Sendable {
    /// What the driver does next.
    public enum Action: Hashable, Sendable {
        /// Connect to this seed, send a ``PeerListRequest`` for each namespace both sides are in, and
        /// report the lists with ``Membership/exchanged(with:hello:from:lists:now:)`` or the failure
        /// with ``Membership/exchangeFailed(with:)``.
        case exchange(with: SocketAddress)
        /// Report this change to the membership's readers.
        case notify(MembershipEvent)
    }

    /// How a member was seen, in order of preference for its address.
    enum Source: Hashable, Sendable {
        /// A discovery announcement: the freshest address on a LAN.
        case discovery
        /// A connection with the member itself.
        case contact
        /// A seed's peer list.
        case list(from: SocketAddress)

        var rank: Int {
            switch self {
            case .discovery: 0
            case .contact: 1
            case .list: 2
            }
        }
    }

    struct Sighting: Sendable {
        var address: SocketAddress
        var confirmed: ContinuousClock.Instant
    }

    /// This node's identity: entries carrying it are ignored.
    public let nodeID: NodeID
    /// The namespaces this node is in; nothing about other namespaces is kept or answered.
    public let namespaces: Set<String>
    /// Seeds, timing and expiry.
    public let configuration: MembershipConfiguration
    /// What was exchanged, answered and ignored so far.
    public internal(set) var statistics = MembershipStatistics()

    /// The namespace names by their discovery tags, to read discovery's events.
    let names: [NamespaceTag: String]
    /// The namespace whose peer lists are given only over authenticated connections.
    let secretNamespace: String?
    var sightings: [String: [NodeID: [Source: Sighting]]] = [:]
    private var nextExchange: ContinuousClock.Instant
    var exchanging: Set<SocketAddress> = []

    /// Creates an empty membership whose first exchange with the seeds is due at once.
    ///
    /// - Parameters:
    ///   - nodeID: This node's identity.
    ///   - namespaces: The namespaces this node is in.
    ///   - namespaceKey: The secret of the one namespace that has one, as given to the transport; its
    ///     discovery tag is the key's, and its peer lists go only to authenticated peers.
    ///   - configuration: Seeds and timing, already validated by the caller.
    ///   - now: The current instant.
    public init(
        nodeID: NodeID, namespaces: Set<String>, namespaceKey: NamespaceKey? = nil,
        configuration: MembershipConfiguration, now: ContinuousClock.Instant
    ) {
        self.nodeID = nodeID
        self.namespaces = namespaces
        self.configuration = configuration
        secretNamespace = namespaceKey?.namespace
        names = Dictionary(
            namespaces.map { name in
                if let namespaceKey, namespaceKey.namespace == name {
                    (namespaceKey.discoveryTag, name)
                } else {
                    (NamespaceTag(openNamespace: name), name)
                }
            }, uniquingKeysWith: { first, _ in first })
        nextExchange = now
    }

    /// Every known member, ordered by namespace, then node id.
    public var members: [Member] {
        namespaces.sorted().flatMap(members(in:))
    }

    /// The known members of one namespace, ordered by node id.
    public func members(in namespace: String) -> [Member] {
        (sightings[namespace] ?? [:]).compactMap { id, seen in
            Self.best(seen).map { Member(nodeID: id, namespace: namespace, address: $0) }
        }
        .sorted { $0.nodeID.bytes.lexicographicallyPrecedes($1.nodeID.bytes) }
    }

    /// When ``tick(now:)`` next has something to do: an exchange or an expiry.
    public var nextDeadline: ContinuousClock.Instant {
        let expiries = sightings.values.lazy.flatMap(\.values).flatMap { $0 }
            .filter { $0.key != .discovery }.map { $0.value.confirmed + configuration.expiry }
        return min(nextExchange, expiries.min() ?? nextExchange)
    }

    /// Starts the exchanges that are due and drops what was not confirmed within the expiry.
    ///
    /// - Returns: `left` notifications for expired members, then one `exchange` per seed that is due
    ///   and has no exchange in progress.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        let expiry = configuration.expiry
        // Discovery sightings end with discovery's own events, never here.
        let isCurrent = { (source: Source, sighting: Sighting) in
            source == .discovery || now - sighting.confirmed < expiry
        }
        for (namespace, members) in sightings {
            for (id, seen) in members where !seen.allSatisfy(isCurrent) {
                actions += change(namespace, id) { $0 = $0.filter(isCurrent) }
            }
        }
        guard now >= nextExchange else { return actions }
        nextExchange = now + configuration.exchangeInterval
        for seed in configuration.seeds where exchanging.insert(seed).inserted {
            actions.append(.exchange(with: seed))
        }
        return actions
    }

    /// Takes in a change that discovery reported.
    ///
    /// - Returns: The notifications that follow, one per namespace whose view changed.
    public mutating func discovered(_ event: PeerEvent) -> [Action] {
        let peer = event.peer
        var actions: [Action] = []
        for (tag, namespace) in names {
            let announced: Bool
            if case .left = event { announced = false } else { announced = peer.namespaces.contains(tag) }
            actions += change(namespace, peer.nodeID) { seen in
                seen[.discovery] = announced ? Sighting(address: peer.address, confirmed: peer.lastHeard) : nil
            }
        }
        return actions
    }

    /// Takes in a failed exchange, so that the seed is asked again at the next interval.
    ///
    /// - Returns: No actions; what the seed's lists said stays until it expires.
    public mutating func exchangeFailed(with seed: SocketAddress) -> [Action] {
        exchanging.remove(seed)
        statistics.exchangeFailures += 1
        return []
    }

    /// Applies `update` to one member's sightings and returns the notification the change makes, if any.
    mutating func change(_ namespace: String, _ id: NodeID, _ update: (inout [Source: Sighting]) -> Void) -> [Action] {
        var seen = sightings[namespace]?[id] ?? [:]
        let before = Self.best(seen)
        update(&seen)
        sightings[namespace, default: [:]][id] = seen.isEmpty ? nil : seen
        let after = Self.best(seen)
        switch (before, after) {
        case (nil, let address?):
            return [.notify(.joined(Member(nodeID: id, namespace: namespace, address: address)))]
        case (let old?, let address?) where old != address:
            return [.notify(.updated(Member(nodeID: id, namespace: namespace, address: address)))]
        case (let old?, nil):
            return [.notify(.left(Member(nodeID: id, namespace: namespace, address: old)))]
        default:
            return []
        }
    }

    /// The address of the preferred sighting: by source, then the most recently confirmed.
    private static func best(_ seen: [Source: Sighting]) -> SocketAddress? {
        seen.min { lhs, rhs in
            if lhs.key.rank != rhs.key.rank { return lhs.key.rank < rhs.key.rank }
            if lhs.value.confirmed != rhs.value.confirmed { return lhs.value.confirmed > rhs.value.confirmed }
            // Dictionary order varies; a fixed tie-break keeps the address from flapping.
            return lhs.value.address.description < rhs.value.address.description
        }?.value.address
    }
}
