import SBWire
import Synchronization

/// The state a discovery service's two tasks share: the peer table, the counters, the datagrams
/// to send and the event stream. Every change happens under one lock, so events come out in the
/// order the table produced them.
final class DiscoveryCore: Sendable {
    private struct State {
        var table: PeerTable
        var statistics = DiscoveryStatistics()
        var announcement: [UInt8]
        var leave: [UInt8]
    }

    private let state: Mutex<State>
    private let continuation: AsyncStream<PeerEvent>.Continuation

    init(
        table: PeerTable, datagrams: (announcement: [UInt8], leave: [UInt8]),
        continuation: AsyncStream<PeerEvent>.Continuation
    ) {
        state = Mutex(State(table: table, announcement: datagrams.announcement, leave: datagrams.leave))
        self.continuation = continuation
    }

    var peers: [DiscoveredPeer] { state.withLock { $0.table.peers } }
    var statistics: DiscoveryStatistics { state.withLock { $0.statistics } }
    var nextExpiry: ContinuousClock.Instant? { state.withLock { $0.table.nextExpiry } }
    var announcement: [UInt8] { state.withLock { $0.announcement } }
    var leave: [UInt8] { state.withLock { $0.leave } }

    /// Decodes one datagram and feeds it to the table; whatever is wrong with it is counted, never thrown.
    ///
    /// - Returns: Whether it introduced a peer.
    func received(_ datagram: Datagram, at now: ContinuousClock.Instant) -> Bool {
        state.withLock { state in
            state.statistics.received += 1
            let announcement: Announcement
            do throws(WireError) {
                announcement = try Announcement(datagram: datagram.bytes)
            } catch {
                switch error {
                case .badMagic: state.statistics.foreign += 1
                case .unsupportedVersion: state.statistics.otherVersion += 1
                default: state.statistics.malformed += 1
                }
                return false
            }
            do throws(PeerTable.Rejection) {
                let events = try state.table.heard(announcement, from: datagram.sender, at: now)
                publish(events, in: &state)
                state.statistics.accepted += 1
                return events.contains { if case .joined = $0 { true } else { false } }
            } catch {
                switch error {
                case .unreachableAddress: state.statistics.unreachableAddress += 1
                case .incompatibleVersions: state.statistics.otherVersion += 1
                }
                return false
            }
        }
    }

    func expire(now: ContinuousClock.Instant) {
        state.withLock { state in publish(state.table.expire(now: now), in: &state) }
    }

    func setNamespaces(_ namespaces: Set<NamespaceTag>, datagrams: (announcement: [UInt8], leave: [UInt8])) {
        state.withLock { state in
            state.announcement = datagrams.announcement
            state.leave = datagrams.leave
            publish(state.table.setNamespaces(namespaces), in: &state)
        }
    }

    func countSend(succeeded: Bool) {
        state.withLock { state in
            if succeeded { state.statistics.sent += 1 } else { state.statistics.sendFailures += 1 }
        }
    }

    func countRouteChange() {
        state.withLock { $0.statistics.routeChanges += 1 }
    }

    func countReceiveFailure() {
        state.withLock { $0.statistics.receiveFailures += 1 }
    }

    /// Ends the event stream once the service has stopped, so that readers see its end.
    func finish() {
        continuation.finish()
    }

    private func publish(_ events: [PeerEvent], in state: inout State) {
        for event in events {
            if case .dropped = continuation.yield(event) { state.statistics.eventsDropped += 1 }
        }
    }
}
