import SBWire

extension DiscoveryService {
    /// The receive loop: runs until the socket closes or the task is cancelled. A failed receive is
    /// counted and retried after a short pause, so a persistent error cannot spin the loop.
    static func receive(on socket: UDPSocket, into core: DiscoveryCore) async {
        while true {
            do {
                // One byte more than the longest valid datagram, so oversized ones are seen as such.
                let datagram = try await socket.receive(maxSize: Announcement.maxByteCount + 1)
                core.received(datagram, at: .now)
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

    /// The heartbeat loop: announces every interval (with ±10 % jitter, so nodes started together
    /// do not stay in lockstep) and wakes exactly when the next peer is due to expire.
    static func announce(
        through senders: [DiscoverySockets.Sender], core: DiscoveryCore, configuration: DiscoveryConfiguration
    ) async {
        var nextHeartbeat = ContinuousClock.now
        while !Task.isCancelled {
            if ContinuousClock.now >= nextHeartbeat {
                await send(core.announcement, through: senders, core: core, timeout: configuration.heartbeatInterval)
                nextHeartbeat = .now + configuration.heartbeatInterval * Double.random(in: 0.9...1.1)
            }
            core.expire(now: .now)
            let wake = min(nextHeartbeat, core.nextExpiry ?? nextHeartbeat)
            guard (try? await Task.sleep(until: wake, clock: .continuous)) != nil else { return }
        }
    }

    /// Sends one datagram through every sender, counting each success and failure.
    static func send(
        _ datagram: [UInt8], through senders: [DiscoverySockets.Sender], core: DiscoveryCore, timeout: Duration
    ) async {
        for sender in senders {
            do {
                try await sender.socket.send(datagram, to: sender.destination, timeout: timeout)
                core.countSend(succeeded: true)
            } catch {
                core.countSend(succeeded: false)
            }
        }
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
