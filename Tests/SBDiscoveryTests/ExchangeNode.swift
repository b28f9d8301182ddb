import SBNetwork
import SBWire
import Testing

/// Exchange timing short enough to keep the suite fast, long enough for a loaded two-core machine.
/// The expiry outlasts the second or so for which the parallel suite's CPU-bound tests can hold both threads.
let exchangeTiming = MembershipConfiguration(exchangeInterval: .milliseconds(100), expiry: .milliseconds(1500))
/// Allowance beyond a protocol bound for connections and scheduling: the whole suite runs in parallel
/// on a two-core machine, where async tasks can wait seconds behind the others (3.6 s seen in the
/// first seconds of a run, when every suite sets up its sockets, processes and models at once).
let exchangeSlack = Duration.seconds(6)
/// How long a peer exchange test waits for an outcome: beyond every bound it checks.
let exchangePatience = Duration.seconds(10)

/// Which transport the nodes of a peer exchange test talk over.
enum Fabric: CustomTestStringConvertible, Sendable {
    case tcp
    case memory

    var testDescription: String { self == .tcp ? "TCP on 127.0.0.1" : "in memory" }
}

/// A node that does nothing but membership: a listener, a membership service with seeds, and the
/// minimal serving loop answering peer list requests.
final class ExchangeNode: Sendable {
    let membership: MembershipService
    let listener: PeerListener
    private let serving: Task<Void, Never>

    var id: NodeID { membership.transport.configuration.nodeID }
    var address: SocketAddress { listener.localAddress }

    /// Starts a node in `namespaces` that exchanges with `seeds`, on `network` when in memory.
    init(_ fabric: Fabric, network: InMemoryNetwork, namespaces: [String], seeds: [ExchangeNode] = []) async throws {
        let settings = TransportConfiguration(nodeID: .random(), namespaces: namespaces)
        let transport: any Transport =
            switch fabric {
            case .tcp: TCPTransport(configuration: settings)
            case .memory: InMemoryTransport(configuration: settings, network: network)
            }
        listener = try await transport.listen(on: SocketAddress(ip: .loopbackIPv4, port: 0))
        var configuration = exchangeTiming
        configuration.seeds = seeds.map(\.address)
        let membership = try MembershipService(transport: transport, configuration: configuration)
        self.membership = membership
        serving = Task { [listener] in
            await withDiscardingTaskGroup { group in
                for await peer in listener.connections {
                    group.addTask { await membership.serve(peer) }
                }
            }
        }
    }

    /// The ids of the members this node knows in `namespace`.
    func memberIDs(in namespace: String) -> Set<NodeID> {
        Set(membership.members(in: namespace).map(\.nodeID))
    }

    /// Stops the node without a word to its peers, as a killed process would.
    func stop() async {
        listener.close()
        serving.cancel()
        await serving.value
        await membership.stop()
    }
}
