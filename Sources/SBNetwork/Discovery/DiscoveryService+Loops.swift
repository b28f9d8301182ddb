import SBWire

extension DiscoveryService {
    /// The receive loop: reads announcements and expires silent peers until the socket closes or the
    /// task is cancelled. A failed receive is counted and retried after a short pause, so a persistent
    /// error cannot spin the loop.
    ///
    /// Expiry lives here rather than on a timer because a peer is silent only if nothing from it is
    /// waiting unread: when this process cannot run for a while (a busy cooperative pool, a paused
    /// machine), heartbeats pile up in the socket, and a timer firing first would drop peers that were
    /// never quiet. So the loop waits for the next datagram until the next peer is due, and expires
    /// peers only once a receive finds the socket empty, or after ``floodLimit`` datagrams in a row
    /// without it emptying, so that a flood cannot keep dead peers listed.
    ///
    /// A datagram that introduces a peer brings this node's next heartbeat forward, so that a newcomer
    /// learns of the nodes already there at once rather than at each one's next heartbeat.
    static func receive(on socket: UDPSocket, into core: DiscoveryCore, answeringNewPeersWith heartbeat: Heartbeat)
        async
    {
        var unbrokenReads = 0
        while true {
            let due = core.nextExpiry
            let wait = due.map { max($0 - .now, .zero) }
            do {
                // One byte more than the longest valid datagram, so oversized ones are seen as such.
                let datagram = try await socket.receive(maxSize: Announcement.maxByteCount + 1, timeout: wait)
                if core.received(datagram, at: datagram.arrival) { heartbeat.runSoon() }
                unbrokenReads += 1
                if unbrokenReads >= floodLimit, let due, due <= .now {
                    core.expire(now: .now)
                    unbrokenReads = 0
                }
            } catch NetworkError.timedOut {
                // A wait of zero that timed out found the socket empty: whoever is due now is silent.
                // After a longer wait, the next pass looks once more without waiting.
                if wait == .zero { core.expire(now: .now) }
                unbrokenReads = 0
            } catch is CancellationError {
                return
            } catch NetworkError.closed, NetworkError.eventLoopShutDown {
                return
            } catch {
                core.countReceiveFailure()
                guard (try? await Task.sleep(for: .milliseconds(10))) != nil else { return }
            }
        }
    }

    /// How many datagrams the receive loop reads in a row, the socket never empty, before it expires
    /// due peers anyway. Linux's default receive buffer (212,992 bytes) held 256 unread datagrams on
    /// loopback here, whether of 56 or 176 bytes, so a run of 1,000 means a sustained flood, not a backlog.
    static let floodLimit = 1_000

    /// Sends one datagram through every sender without waiting, counting each success and failure (a
    /// full send buffer counts as a failure: the next heartbeat is soon).
    static func send(_ datagram: [UInt8], through senders: [DiscoverySockets.Sender], core: DiscoveryCore) {
        for sender in senders {
            let sent = (try? sender.socket.sendWithoutWaiting(datagram, to: sender.destination)) ?? false
            core.countSend(succeeded: sent)
        }
    }

    /// In ``DiscoveryConfiguration/Scope/lan``, moves the sockets to the routes of the interfaces the
    /// machine has now, counting each change; a failure to list them keeps the routes as they are.
    static func followInterfaces(
        _ sockets: DiscoverySockets, core: DiscoveryCore, configuration: DiscoveryConfiguration
    ) {
        guard configuration.scope == .lan, let interfaces = try? NetworkInterface.ipv4() else { return }
        if sockets.update(to: configuration.routes(on: interfaces)) { core.countRouteChange() }
    }

    /// The announcement and leave datagrams for these values.
    static func datagrams(nodeID: NodeID, port: UInt16, address: Announcement.Address, namespaces: Set<NamespaceTag>)
        throws(DiscoveryError) -> (announcement: [UInt8], leave: [UInt8])
    {
        guard namespaces.count <= Announcement.maxNamespaceTags else {
            throw .invalidConfiguration(
                "\(namespaces.count) namespaces do not fit in one announcement (at most \(Announcement.maxNamespaceTags))"
            )
        }
        do {
            let tags = Array(namespaces)
            let announcement = try Announcement(nodeID: nodeID, port: port, address: address, namespaces: tags)
            let leave = try Announcement(kind: .leave, nodeID: nodeID, port: port, address: address, namespaces: tags)
            return (announcement.encoded(), leave.encoded())
        } catch {
            throw .invalidConfiguration("cannot announce this node: \(error)")
        }
    }

    /// The wire form of an advertised address; `nil` becomes ``Announcement/Address/source``.
    static func wireAddress(_ address: IPAddress?) throws(DiscoveryError) -> Announcement.Address {
        guard let address else { return .source }
        guard !address.isUnspecified, !address.isMulticast else {
            throw .invalidConfiguration(
                "the advertised address \(address) is not one peers can connect to; pass nil to use the source address")
        }
        return address.family == .ipv4 ? .ipv4(address.bytes) : .ipv6(address.bytes)
    }
}
