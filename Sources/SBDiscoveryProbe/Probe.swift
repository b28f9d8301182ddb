import Foundation
import SBNetwork
import SBWire

/// Runs discovery services, or one full node (``ProbeNode``), in one process and prints what they find,
/// one JSON object a line, so that tests can run nodes in other processes and inside network namespaces.
@main
struct Probe {
    static func main() async {
        let options: ProbeOptions
        do {
            options = try ProbeOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("sb-discovery-probe: \(error)\n".utf8))
            exit(64)
        }
        do {
            if options.runsNode { try await ProbeNode.run(options) } else { try await run(options) }
        } catch {
            FileHandle.standardError.write(Data("sb-discovery-probe: \(error)\n".utf8))
            exit(1)
        }
    }

    private static func run(_ options: ProbeOptions) async throws {
        let tags = Set(options.namespaces.map(NamespaceTag.init(openNamespace:)))
        var listeners: [TCPListener] = []
        var services: [DiscoveryService] = []
        defer { for listener in listeners { listener.close() } }
        for index in 0..<options.nodes {
            // A real listener, so that each node announces a port that is actually its own.
            let listener = try TCPListener.bind(to: SocketAddress(ip: .anyIPv4, port: 0))
            listeners.append(listener)
            let service = try DiscoveryService(
                nodeID: .random(), port: listener.localAddress.port, namespaces: tags,
                configuration: options.configuration)
            services.append(service)
            var report = ProbeReport(type: "started", node: index, id: service.nodeID.description)
            report.routes = service.routes.map { "\($0)" }
            report.write()
        }
        await withTaskGroup { group in
            for (index, service) in services.enumerated() {
                group.addTask {
                    for await event in service.events { ProbeReport(event: event, node: index).write() }
                }
            }
            let end = ContinuousClock.now + options.duration
            if options.busy > .zero { await holdThePool(for: options.busy, onceAnyOf: services, joinsBefore: end) }
            try? await Task.sleep(until: end)
            for (index, service) in services.enumerated() {
                await service.stop()
                var report = ProbeReport(type: "statistics", node: index, id: service.nodeID.description)
                report.accepted = service.statistics.accepted
                report.ignored = service.statistics.ignored
                report.write()
            }
        }
        ProbeReport(type: "stopped", node: -1, id: "").write()
    }

    /// Once a service lists a peer, holds every thread of the cooperative pool for `duration` without a
    /// suspension point, as CPU-bound training does; reports `busy` and `idle` around it. The threads
    /// block in `usleep` rather than compute, so that the probe does not take the CPU from the tests
    /// running beside it: to the pool, a blocked thread and a computing one are equally unavailable.
    private static func holdThePool(
        for duration: Duration, onceAnyOf services: [DiscoveryService], joinsBefore end: ContinuousClock.Instant
    ) async {
        while services.allSatisfy(\.peers.isEmpty) && ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(10))
        }
        ProbeReport(type: "busy", node: -1, id: "").write()
        await withTaskGroup { group in
            for _ in 0..<ProcessInfo.processInfo.activeProcessorCount {
                group.addTask {
                    usleep(UInt32(duration / .microseconds(1)))
                }
            }
        }
        ProbeReport(type: "idle", node: -1, id: "").write()
    }
}
