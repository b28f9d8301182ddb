import SBTestSupport

/// One line of `sb-discovery-probe` output.
struct ProbeLine: Decodable, Equatable, Sendable {
    var type: String
    var node: Int
    var id: String
    var address: String?
    var reason: String?
    var routes: [String]?
    var model: [TensorFingerprint]?
}

/// A tensor as the probe prints it: name, shape and data bytes in hexadecimal.
struct TensorFingerprint: Decodable, Equatable, Sendable {
    var name: String
    var shape: [Int]
    var data: String
}

/// An `sb-discovery-probe` process (built with the tests), optionally inside a network namespace,
/// whose output lines are collected as they arrive.
final class ProbeProcess {
    private let child: ChildProcess<ProbeLine>

    /// Starts the probe with `arguments`, under `ip netns exec namespace` when one is given.
    init(_ arguments: [String], in namespace: String? = nil) throws {
        child = try ChildProcess(product: "sb-discovery-probe", arguments, in: namespace)
    }

    /// The lines printed so far.
    var lines: [ProbeLine] { child.lines }

    /// The ids of the probe's own nodes, once it has reported them.
    var nodeIDs: [String] { lines.filter { $0.type == "started" }.map(\.id) }

    /// The peers each of the probe's nodes currently lists, from its joined and left lines.
    var peers: [Int: Set<String>] {
        var peers: [Int: Set<String>] = [:]
        for line in lines {
            switch line.type {
            case "joined": peers[line.node, default: []].insert(line.id)
            case "left": peers[line.node, default: []].remove(line.id)
            default: break
            }
        }
        return peers
    }

    /// The host part of the address of the first peer the probe's nodes found, once one is found.
    var firstPeerHost: Substring? {
        lines.first { $0.type == "joined" }?.address?.split(separator: ":").first
    }

    /// Ends the process with SIGKILL, so its nodes get no chance to say goodbye, and reaps it.
    func kill() { child.kill() }
}
