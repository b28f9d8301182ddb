import Foundation
import SBTestSupport
import Testing

/// The quickstart's steps 2 and 3 as two real processes: `scatterbrained node` trains and serves,
/// `scatterbrained join` finds it by the namespace's name alone and downloads the model.
@Suite("Node: the quickstart in two processes", .timeLimit(.minutes(1)))
struct NodeProcessTests {
    @Test("Loopback-scoped discovery on the host: the joiner's model is bit-identical and predicts the same")
    func quickstartOnLoopback() async throws {
        try await quickstart(discovery: ["--discovery", "loopback"], in: nil)
    }

    @Test(
        "Default (LAN) discovery inside a network namespace that has only loopback",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func quickstartInNetworkNamespace() async throws {
        let network = try NetworkNamespace()
        try await quickstart(discovery: [], in: network.name)
        withExtendedLifetime(network) {}
    }

    private func quickstart(discovery: [String], in network: String?) async throws {
        let namespace = uniqueNamespace()
        let common = discovery + ["--namespace", namespace]
        let source = try NodeProcess(["node"] + common + ["--epochs", "5", "--serve-seconds", "30"], in: network)
        defer { source.kill() }
        let served = try #require(try await source.wait(for: "model", limit: .seconds(20)), "\(source.lines)")
        let joiner = try NodeProcess(["join"] + common + ["--timeout-seconds", "15"], in: network)
        defer { joiner.kill() }
        let status = try await joiner.exitStatus(within: .seconds(20))
        #expect(status == 0)
        let synced = try #require(joiner.line("synced"), "joiner printed \(joiner.lines)")
        #expect(synced.version == served.version && served.version == 6)
        #expect(synced.architecture == served.architecture)
        #expect(synced.weights == served.weights)
        #expect(synced.digest == served.digest)
        #expect(synced.predictions == served.predictions)
        #expect((synced.predictions?.count ?? 0) > 80, "one prediction per validation sample")
        let joinerID = try #require(joiner.line("started")?.id)
        let upload = try await source.wait(for: "served", limit: .seconds(5))
        #expect(upload?.id == joinerID, "the node process served the joiner")
    }
}
