import SBNetwork
import SBWire
import Testing

/// Fixed instants, so that every timing rule is checked exactly.
private let start = ContinuousClock.now
private func at(milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

private let alpha = NamespaceTag(openNamespace: "alpha")
private let beta = NamespaceTag(openNamespace: "beta")
private let gamma = NamespaceTag(openNamespace: "gamma")
private let lanSource = SocketAddress(ip: IPAddress("192.168.7.20")!, port: 27_183)

private func announcement(
    _ id: NodeID, _ namespaces: [NamespaceTag], kind: Announcement.Kind = .announce, port: UInt16 = 7070,
    address: Announcement.Address = .source, versions: ClosedRange<UInt8> = 1...1
) throws -> Announcement {
    try Announcement(kind: kind, nodeID: id, versions: versions, port: port, address: address, namespaces: namespaces)
}

@Suite("Peer table")
struct PeerTableTests {
    let me = NodeID.random()
    let other = NodeID.random()

    func table(_ namespaces: Set<NamespaceTag> = [alpha, beta]) -> PeerTable {
        PeerTable(nodeID: me, namespaces: namespaces, expiry: .milliseconds(3500))
    }

    @Test("A peer sharing a namespace joins once; repeats only refresh it; a change is an update")
    func joinRefreshUpdate() throws {
        var table = table()
        let joined = try table.heard(announcement(other, [alpha, gamma]), from: lanSource, at: at(milliseconds: 0))
        let peer = DiscoveredPeer(
            nodeID: other, namespaces: [alpha], address: SocketAddress(ip: lanSource.ip, port: 7070),
            versions: 1...1, lastHeard: at(milliseconds: 0))
        #expect(joined == [.joined(peer)])
        #expect(
            try table.heard(announcement(other, [alpha, gamma]), from: lanSource, at: at(milliseconds: 1000)) == [])
        #expect(table.peers.map(\.lastHeard) == [at(milliseconds: 1000)])
        let updated = try table.heard(
            announcement(other, [alpha, beta], port: 7071), from: lanSource, at: at(milliseconds: 2000))
        #expect(updated.map(\.peer.namespaces) == [[alpha, beta]])
        #expect(updated.map(\.peer.address.port) == [7071])
        guard case .updated = updated.first else { Issue.record("expected an update, got \(updated)"); return }
    }

    @Test("Own announcements and peers sharing no namespace are ignored")
    func filtering() throws {
        var table = table([alpha])
        #expect(try table.heard(announcement(me, [alpha]), from: lanSource, at: at(milliseconds: 0)) == [])
        #expect(try table.heard(announcement(other, [beta, gamma]), from: lanSource, at: at(milliseconds: 0)) == [])
        #expect(table.peers.isEmpty)
    }

    @Test("Only shared namespaces are kept, and a peer that drops them leaves")
    func sharedNamespacesOnly() throws {
        var table = table([alpha])
        _ = try table.heard(announcement(other, [alpha, beta]), from: lanSource, at: at(milliseconds: 0))
        #expect(table.peers(in: alpha).map(\.nodeID) == [other])
        #expect(table.peers(in: beta).isEmpty)
        let events = try table.heard(announcement(other, [beta]), from: lanSource, at: at(milliseconds: 500))
        #expect(events.map(\.peer.nodeID) == [other])
        guard case .left(_, .noSharedNamespace) = events.first else { Issue.record("got \(events)"); return }
        #expect(table.peers.isEmpty)
    }

    @Test("The advertised address is the datagram's source for .source, else the announced one")
    func advertisedAddress() throws {
        var table = table()
        let second = NodeID.random()
        _ = try table.heard(announcement(other, [alpha]), from: lanSource, at: at(milliseconds: 0))
        _ = try table.heard(
            announcement(second, [alpha], address: .ipv4([10, 0, 0, 9])), from: lanSource, at: at(milliseconds: 0))
        let addresses = Dictionary(uniqueKeysWithValues: table.peers.map { ($0.nodeID, $0.address.description) })
        #expect(addresses == [other: "192.168.7.20:7070", second: "10.0.0.9:7070"])
    }

    @Test("Unreachable addresses and incompatible versions are rejected, not taken in")
    func rejections() throws {
        var table = table()
        let wildcard = SocketAddress(ip: .anyIPv4, port: 27_183)
        #expect(throws: PeerTable.Rejection.unreachableAddress(.anyIPv4)) {
            try table.heard(announcement(other, [alpha]), from: wildcard, at: at(milliseconds: 0))
        }
        let group = IPAddress("239.1.2.3")!
        #expect(throws: PeerTable.Rejection.unreachableAddress(group)) {
            try table.heard(
                announcement(other, [alpha], address: .ipv4(group.bytes)), from: lanSource, at: at(milliseconds: 0))
        }
        #expect(throws: PeerTable.Rejection.incompatibleVersions(2...3, supported: 1...1)) {
            try table.heard(announcement(other, [alpha], versions: 2...3), from: lanSource, at: at(milliseconds: 0))
        }
        #expect(table.peers.isEmpty)
    }

    @Test("A leave removes the peer at once; a leave from a stranger changes nothing")
    func leave() throws {
        var table = table()
        _ = try table.heard(announcement(other, [alpha]), from: lanSource, at: at(milliseconds: 0))
        #expect(
            try table.heard(
                announcement(NodeID.random(), [alpha], kind: .leave), from: lanSource, at: at(milliseconds: 1)) == [])
        let events = try table.heard(
            announcement(other, [alpha], kind: .leave), from: lanSource, at: at(milliseconds: 2))
        guard case .left(let peer, .announced) = events.first, events.count == 1 else {
            Issue.record("got \(events)"); return
        }
        #expect(peer.nodeID == other)
        #expect(table.peers.isEmpty)
    }

    @Test("A silent peer expires exactly at the expiry, oldest first")
    func expiry() throws {
        var table = table()
        let later = NodeID.random()
        _ = try table.heard(announcement(other, [alpha]), from: lanSource, at: at(milliseconds: 0))
        _ = try table.heard(announcement(later, [beta]), from: lanSource, at: at(milliseconds: 1000))
        #expect(table.nextExpiry == at(milliseconds: 3500))
        #expect(table.expire(now: at(milliseconds: 3499)) == [])
        #expect(table.expire(now: at(milliseconds: 3500)).map(\.peer.nodeID) == [other])
        _ = try table.heard(announcement(later, [beta]), from: lanSource, at: at(milliseconds: 4000))
        #expect(table.expire(now: at(milliseconds: 7499)) == [])
        let events = table.expire(now: at(milliseconds: 7500))
        guard case .left(let peer, .expired) = events.first, events.count == 1 else {
            Issue.record("got \(events)"); return
        }
        #expect(peer.nodeID == later)
        #expect(table.nextExpiry == nil)
    }

    @Test("A node heard through two interfaces keeps one address until the other has been silent a while")
    func addressStability() throws {
        var table = table()
        let wifi = SocketAddress(ip: IPAddress("10.1.1.5")!, port: 27_183)
        _ = try table.heard(announcement(other, [alpha]), from: lanSource, at: at(milliseconds: 0))
        #expect(try table.heard(announcement(other, [alpha]), from: wifi, at: at(milliseconds: 10)) == [])
        #expect(try table.heard(announcement(other, [alpha]), from: lanSource, at: at(milliseconds: 1000)) == [])
        #expect(try table.heard(announcement(other, [alpha]), from: wifi, at: at(milliseconds: 1010)) == [])
        // The first address falls silent; after half the expiry the second takes over.
        let events = try table.heard(announcement(other, [alpha]), from: wifi, at: at(milliseconds: 2800))
        #expect(events.map(\.peer.address) == [SocketAddress(ip: wifi.ip, port: 7070)])
    }

    @Test("Changing this node's namespaces updates and drops known peers")
    func changingNamespaces() throws {
        var table = table()
        let second = NodeID.random()
        _ = try table.heard(announcement(other, [alpha, beta]), from: lanSource, at: at(milliseconds: 0))
        _ = try table.heard(announcement(second, [beta]), from: lanSource, at: at(milliseconds: 0))
        let events = table.setNamespaces([alpha, gamma])
        #expect(events.count == 2)
        #expect(
            events.contains(
                .updated(
                    DiscoveredPeer(
                        nodeID: other, namespaces: [alpha], address: SocketAddress(ip: lanSource.ip, port: 7070),
                        versions: 1...1, lastHeard: at(milliseconds: 0)))))
        #expect(
            events.contains {
                if case .left(let peer, .noSharedNamespace) = $0 { peer.nodeID == second } else { false }
            })
        #expect(table.peers.map(\.nodeID) == [other])
    }
}
