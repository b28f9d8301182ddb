import Foundation
import Scatterbrained
import SBTestSupport
import Testing

/// The quickstart's steps 2 and 3 as two real processes: `scatterbrained node` trains and serves,
/// `scatterbrained join` finds it by the namespace's name alone and downloads the model.
@Suite("Node: the quickstart in two processes", .timeLimit(.minutes(1)))
struct NodeProcessTests {
    @Test("Loopback-scoped discovery on the host: the joiner's model is bit-identical and predicts the same")
    func quickstartOnLoopback() async throws {
        try await quickstart(discovery: ["--discovery", "loopback"])
    }

    @Test(
        "Default (LAN) discovery inside a network namespace that has only loopback",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func quickstartInNetworkNamespace() async throws {
        let network = try NetworkNamespace()
        try await quickstart(discovery: [], in: network.name)
        withExtendedLifetime(network) {}
    }

    @Test("Seeds instead of multicast on the host: the joiner is given only the source's address")
    func quickstartWithSeeds() async throws {
        let local = ["--host", "127.0.0.1"]
        try await quickstart(
            discovery: local + ["--discovery", "none"], joining: { local + ["--seeds", "localhost:\($0)"] })
    }

    @Test(
        "Seeds by host name in a network namespace; a name that does not resolve fails at once with the reason",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "needs root and iproute2 (CI runs as root)"))
    func seedsByHostName() async throws {
        let network = try NetworkNamespace()
        try network.resolve(["seed-node.sb-test": "127.0.0.1"])
        try await quickstart(
            discovery: ["--discovery", "none"], joining: { ["--seeds", "seed-node.sb-test:\($0)"] }, in: network.name)
        let lost = try NodeProcess(["join", "--seeds", "no-such-node.sb-test:7070"], in: network.name)
        defer { lost.kill() }
        #expect(try await lost.exitStatus(within: .seconds(10)) == 1)
        #expect(
            lost.standardError.contains("cannot resolve the host of 'no-such-node.sb-test:7070'"),
            "\(lost.standardError)")
        #expect(lost.line("started") == nil, "a node started without its seed")
        withExtendedLifetime(network) {}
    }

    /// Runs the quickstart between a `node` started with `discovery` and a `join` started with the same
    /// options, or with `joining(port)` given the source's port.
    private func quickstart(
        discovery: [String], joining: ((UInt16) -> [String])? = nil, in network: String? = nil
    ) async throws {
        let namespace = uniqueNamespace()
        let common = discovery + ["--namespace", namespace]
        let source = try NodeProcess(["node"] + common + ["--epochs", "5", "--serve-seconds", "30"], in: network)
        defer { source.kill() }
        let served = try #require(try await source.wait(for: "model", limit: .seconds(20)), "\(source.lines)")
        let address = try #require(source.line("started")?.address.flatMap { SocketAddress($0) })
        let joinerOptions = joining.map { $0(address.port) + ["--namespace", namespace] } ?? common
        let joiner = try NodeProcess(["join"] + joinerOptions + ["--timeout-seconds", "15"], in: network)
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

        // `export` saves the same model as files: the weights file is the one whose digest the source printed.
        let directory = FileManager.default.temporaryDirectory.appending(path: "sb-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let exporter = try NodeProcess(
            ["export"] + joinerOptions + ["--timeout-seconds", "15", directory.path], in: network)
        defer { exporter.kill() }
        #expect(try await exporter.exitStatus(within: .seconds(20)) == 0, "\(exporter.standardError)")
        #expect(exporter.line("saved")?.digest == served.digest)
        let file = try Data(contentsOf: directory.appending(path: ModelSnapshot.weightsFileName))
        #expect(SHA256.hash(Array(file)).map { String(format: "%02x", $0) }.joined() == served.digest)
        let saved = try ModelSnapshot.load(from: directory)
        #expect(try String(decoding: saved.architectureJSON(), as: UTF8.self) == served.architecture)
    }
}
