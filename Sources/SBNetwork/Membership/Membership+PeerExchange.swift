import SBWire

extension Membership {
    /// Takes in a completed exchange with a seed: the seed itself (from its hello) and the members its lists name.
    ///
    /// A list replaces everything learned from the same seed's earlier list for that namespace: members it
    /// omits lose that sighting at once. Entries naming this node, or a host name rather than an address
    /// (this layer resolves no names), are counted in ``MembershipStatistics/ignoredEntries``.
    ///
    /// - Parameters:
    ///   - seed: The address the exchange was started for, as in the ``Action/exchange(with:)``.
    ///   - hello: The seed's hello.
    ///   - address: The seed's address as the connection saw it.
    ///   - lists: The lists the seed answered with; lists for namespaces this node is not in are ignored.
    ///   - now: When the exchange completed.
    /// - Returns: The notifications that follow.
    public mutating func exchanged(
        with seed: SocketAddress, hello: Hello, from address: SocketAddress, lists: [PeerList],
        now: ContinuousClock.Instant
    ) -> [Action] {
        exchanging.remove(seed)
        statistics.exchanges += 1
        var actions = contacted(hello, from: address, now: now)
        for list in lists where namespaces.contains(list.namespace) {
            var listed: [NodeID: SocketAddress] = [:]
            for peer in list.peers {
                guard peer.nodeID != nodeID, let ip = IPAddress(peer.host) else {
                    statistics.ignoredEntries += 1
                    continue
                }
                listed[peer.nodeID] = SocketAddress(ip: ip, port: peer.port)
            }
            let affected = Set(listed.keys).union(sightings[list.namespace]?.keys ?? [:].keys)
            for id in affected {
                actions += change(list.namespace, id) { seen in
                    seen[.list(from: seed)] = listed[id].map { Sighting(address: $0, confirmed: now) }
                }
            }
        }
        return actions
    }

    /// Answers a peer's ``PeerListRequest`` and records the peer as a member, since it just proved it
    /// is alive and listening.
    ///
    /// The list holds the members this node knows first-hand (by discovery or by contact), without the
    /// requester, and without loopback addresses unless the requester itself came over loopback: peers
    /// are only told addresses they can reach. A request is refused with ``ErrorCode/unknownNamespace``
    /// unless both this node's and the requester's hello name the namespace, and with
    /// ``ErrorCode/authenticationRequired`` for the secret namespace over an unauthenticated connection.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - hello: The requester's hello.
    ///   - address: The requester's address as the connection saw it.
    ///   - authenticated: Whether the connection proved the namespace secret.
    ///   - now: When the request arrived.
    /// - Returns: The message to send back (a ``PeerList`` or an ``ErrorMessage``) and the notifications that follow.
    public mutating func answer(
        _ request: PeerListRequest, hello: Hello, from address: SocketAddress, authenticated: Bool,
        now: ContinuousClock.Instant
    ) -> (reply: Message, actions: [Action]) {
        let namespace = request.namespace
        guard namespaces.contains(namespace), hello.namespaces.contains(namespace) else {
            return (refuse(.unknownNamespace, "this node shares no namespace '\(namespace)' with the requester"), [])
        }
        guard authenticated || namespace != secretNamespace else {
            return (refuse(.authenticationRequired, "the namespace '\(namespace)' has a secret"), [])
        }
        let actions = contacted(hello, from: address, now: now)
        let peers = firstHand(in: namespace).filter { member in
            member.nodeID != hello.nodeID && (!member.address.ip.isLoopback || address.ip.isLoopback)
        }
        .prefix(WireProtocol.maxPeers)
        .compactMap { try? PeerList.Peer(nodeID: $0.nodeID, host: $0.address.ip.description, port: $0.address.port) }
        do throws(WireError) {
            let list = try PeerList(namespace: namespace, peers: Array(peers))
            statistics.requestsAnswered += 1
            return (.peerList(list), actions)
        } catch {
            return (refuse(.internalError, "\(error)"), actions)
        }
    }

    /// Records a peer this node has a connection with, in every shared namespace, if it accepts connections.
    private mutating func contacted(_ hello: Hello, from address: SocketAddress, now: ContinuousClock.Instant)
        -> [Action]
    {
        guard hello.nodeID != nodeID, hello.listenPort != 0 else { return [] }
        // An advertised host overrides the connection's address, which a NAT may have rewritten.
        let ip = IPAddress(hello.advertisedHost) ?? address.ip
        guard !ip.isUnspecified, !ip.isMulticast else { return [] }
        let sighting = Sighting(address: SocketAddress(ip: ip, port: hello.listenPort), confirmed: now)
        return namespaces.intersection(hello.namespaces).sorted().flatMap { namespace in
            change(namespace, hello.nodeID) { $0[.contact] = sighting }
        }
    }

    /// The members of a namespace known by discovery or contact, each at its preferred first-hand address.
    private func firstHand(in namespace: String) -> [Member] {
        (sightings[namespace] ?? [:]).compactMap { id, seen in
            let direct = seen[.discovery] ?? seen[.contact]
            return direct.map { Member(nodeID: id, namespace: namespace, address: $0.address) }
        }
        .sorted { $0.nodeID.bytes.lexicographicallyPrecedes($1.nodeID.bytes) }
    }

    private mutating func refuse(_ code: ErrorCode, _ text: String) -> Message {
        statistics.requestsRefused += 1
        // Both texts are short and fixed but for a namespace name of at most 255 bytes.
        return .error(try! ErrorMessage(code: code, text: text))
    }
}
