import SBWire

extension MembershipService {
    /// Answers a peer list request that arrived on `connection`, recording the requester as a member;
    /// see ``Membership/answer(_:hello:from:authenticated:now:)``.
    ///
    /// - Returns: The message to send back on the connection.
    public func answer(_ request: PeerListRequest, on connection: any PeerConnection) -> Message {
        core.respond { membership in
            membership.answer(
                request, hello: connection.remoteHello, from: connection.remoteAddress,
                authenticated: connection.isAuthenticated, now: .now)
        }.result
    }

    /// Serves one incoming connection until it closes, then closes it: answers peer list requests and
    /// pings, and hands every other message to `otherwise`.
    ///
    /// The minimal serving loop of a node that does nothing but membership; a node with more to serve
    /// answers its other requests in `otherwise`, or calls ``answer(_:on:)`` from a loop of its own.
    ///
    /// - Parameters:
    ///   - connection: A connection a listener accepted.
    ///   - otherwise: The reply to any other message, or nil for none. By default
    ///     ``ErrorCode/unexpectedMessage``.
    public func serve(
        _ connection: any PeerConnection, otherwise: @Sendable (Message) async -> Message? = refuseUnexpected
    ) async {
        while let message = try? await connection.receive() {
            let reply: Message?
            switch message {
            case .peerListRequest(let request): reply = answer(request, on: connection)
            case .ping(let token): reply = .pong(token: token)
            default: reply = await otherwise(message)
            }
            guard let reply else { continue }
            // A peer that stops reading is given up on rather than served forever.
            guard (try? await connection.send(reply, timeout: transport.configuration.handshakeTimeout)) != nil
            else { break }
        }
        await connection.close()
    }

    /// Refuses a message that ``serve(_:otherwise:)`` does not handle, with ``ErrorCode/unexpectedMessage``.
    @Sendable
    public static func refuseUnexpected(_ message: Message) -> Message? {
        // The text is short and fixed but for the type's name.
        .error(try! ErrorMessage(code: .unexpectedMessage, text: "this node does not serve \(message.type) messages"))
    }

    /// Waits for due work, starts exchanges without waiting for them, and expires stale members on time.
    static func exchangeLoop(core: MembershipCore, transport: any Transport) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                for seed in core.apply({ $0.tick(now: .now) }) {
                    group.addTask { await exchange(with: seed, core: core, transport: transport) }
                }
                guard (try? await Task.sleep(until: core.read(\.nextDeadline), clock: .continuous)) != nil else {
                    group.cancelAll()
                    return
                }
            }
        }
    }

    /// One exchange with a seed: connect, ask for every shared namespace's members, hang up. Every wait
    /// is bounded by the exchange interval, so a dead seed never holds the next round up for long.
    private static func exchange(with seed: SocketAddress, core: MembershipCore, transport: any Transport) async {
        let limit = core.read(\.configuration.exchangeInterval)
        guard let connection = try? await transport.connect(to: seed, timeout: limit) else {
            core.apply { $0.exchangeFailed(with: seed) }
            return
        }
        let lists = try? await requestLists(
            on: connection, namespaces: transport.configuration.namespaces, limit: limit)
        await connection.close()
        guard let lists else {
            core.apply { $0.exchangeFailed(with: seed) }
            return
        }
        core.apply {
            $0.exchanged(
                with: seed, hello: connection.remoteHello, from: connection.remoteAddress, lists: lists, now: .now)
        }
    }

    /// Asks for the members of every namespace both sides are in; nil if the peer answers anything but those lists.
    private static func requestLists(on connection: any PeerConnection, namespaces: [String], limit: Duration)
        async throws -> [PeerList]?
    {
        var lists: [PeerList] = []
        for namespace in Set(namespaces).intersection(connection.remoteHello.namespaces).sorted() {
            try await connection.send(.peerListRequest(try PeerListRequest(namespace: namespace)), timeout: limit)
            guard case .peerList(let list) = try await connection.receive(timeout: limit), list.namespace == namespace
            else { return nil }
            lists.append(list)
        }
        return lists
    }
}
