import Scatterbrained
import SBTestSupport

/// One line of `scatterbrained node` or `join` output (the CLI's `NodeReport`).
struct NodeLine: Decodable, Equatable, Sendable {
    var type: String
    var id: String?
    var address: String?
    var version: UInt64?
    var epoch: Int?
    var round: Int?
    var validationAccuracy: Float?
    /// The other nodes whose models an epoch's round merged (`epoch`), or a `merged` event's.
    var contributors: [String]?
    /// How long an epoch took, its exchange round included.
    var seconds: Double?
    /// Why a peer's model was refused (`rejected`).
    var reason: String?
    /// What became of the models pushed during an epoch (`epoch`) or a coordination (`coordinated`).
    var pushes: PushStatistics?
    var architecture: String?
    var weights: [String: String]?
    var digest: String?
    var predictions: [String]?
}

/// A `scatterbrained` process (built with the tests, next to the test bundle), optionally inside a
/// network namespace, whose output lines are collected as they arrive.
final class NodeProcess {
    private let child: ChildProcess<NodeLine>

    /// Starts `scatterbrained` with `arguments`, under `ip netns exec namespace` when one is given.
    init(_ arguments: [String], in namespace: String? = nil) throws {
        child = try ChildProcess(product: "scatterbrained", arguments, in: namespace)
    }

    /// The lines printed so far.
    var lines: [NodeLine] { child.lines }

    /// What the process wrote to standard error so far.
    var standardError: String { child.standardError }

    /// The first line of `type`, once printed.
    func line(_ type: String) -> NodeLine? { lines.first { $0.type == type } }

    /// Every line of `type` printed so far, in order.
    func lines(_ type: String) -> [NodeLine] { lines.filter { $0.type == type } }

    /// Waits up to `limit` for a line of `type`.
    func wait(for type: String, limit: Duration) async throws -> NodeLine? {
        try await child.waitForLine(limit: limit) { $0.type == type }
    }

    /// Waits up to `limit` for a line matching `predicate`.
    func wait(limit: Duration, where predicate: (NodeLine) -> Bool) async throws -> NodeLine? {
        try await child.waitForLine(limit: limit, where: predicate)
    }

    /// Waits up to `limit` for the process to exit; its status, or nil if it still runs.
    func exitStatus(within limit: Duration) async throws -> Int32? {
        try await child.exitStatus(within: limit)
    }

    /// Ends the process with SIGKILL and reaps it.
    func kill() { child.kill() }
}
