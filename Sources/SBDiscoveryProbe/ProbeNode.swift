import SBNetwork
import SBWire

/// One full node in the probe: a TCP listener on every interface, discovery, peer exchange with the
/// seeds, answers to peer list and model requests, and, when asked, a fetch of the model from the
/// first member that joins.
enum ProbeNode {
    static func run(_ options: ProbeOptions) async throws {
        let transport = TCPTransport(
            configuration: TransportConfiguration(nodeID: .random(), namespaces: options.namespaces))
        let listener = try await transport.listen(on: SocketAddress(ip: .anyIPv4, port: 0))
        defer { listener.close() }
        let discovery = try DiscoveryService(
            nodeID: transport.configuration.nodeID, port: listener.localAddress.port,
            namespaces: Set(options.namespaces.map(NamespaceTag.init(openNamespace:))),
            configuration: options.configuration)
        let membership = try MembershipService(
            transport: transport, discovery: discovery, configuration: options.membership)
        let model = options.servesModel ? try ProbeModel() : nil

        var started = ProbeReport(type: "started", node: 0, id: transport.configuration.nodeID.description)
        started.routes = discovery.routes.map { "\($0)" }
        started.address = listener.localAddress.description
        started.model = model.map { ProbeModel.fingerprint($0.tensors) }
        started.write()

        await withTaskGroup { group in
            group.addTask { await serve(listener, membership: membership, model: model) }
            group.addTask { await follow(membership, fetching: options.fetchesModel, over: transport) }
            try? await Task.sleep(for: options.duration)
            await membership.stop()
            await discovery.stop()
            listener.close()
            group.cancelAll()
        }
        var statistics = ProbeReport(type: "statistics", node: 0, id: transport.configuration.nodeID.description)
        statistics.accepted = discovery.statistics.accepted
        statistics.ignored = discovery.statistics.ignored
        statistics.write()
        ProbeReport(type: "stopped", node: -1, id: "").write()
    }

    /// Answers every connection's peer list requests, and model requests with `model`.
    private static func serve(_ listener: PeerListener, membership: MembershipService, model: ProbeModel?) async {
        let namespaces = membership.transport.configuration.namespaces
        await withDiscardingTaskGroup { group in
            for await peer in listener.connections {
                group.addTask {
                    await membership.serve(peer) { message in
                        guard case .modelRequest(let request) = message else {
                            return MembershipService.refuseUnexpected(message)
                        }
                        guard let model else {
                            // A fixed text, far below the protocol's limit.
                            return .error(
                                try! ErrorMessage(code: .modelUnavailable, text: "this probe serves no model"))
                        }
                        return try? model.response(to: request, namespaces: namespaces)
                    }
                }
            }
        }
    }

    /// Prints membership events and, when `fetching`, fetches the model from joining members until one serves it.
    private static func follow(_ membership: MembershipService, fetching: Bool, over transport: any Transport) async {
        var fetched = !fetching
        for await event in membership.events {
            ProbeReport(event: event, node: 0).write()
            guard !fetched, case .joined(let member) = event else { continue }
            var report = ProbeReport(type: "fetched", node: 0, id: member.nodeID.description)
            report.address = member.address.description
            do {
                let response = try await ProbeModel.fetch(
                    namespace: member.namespace, from: member.address, over: transport)
                report.model = ProbeModel.fingerprint(response.tensors)
                fetched = true
            } catch {
                report.type = "fetchFailed"
                report.reason = "\(error)"
            }
            report.write()
        }
    }
}
