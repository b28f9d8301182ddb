import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One line of `sb-discovery-probe` output.
struct ProbeLine: Decodable, Equatable {
    var type: String
    var node: Int
    var id: String
    var address: String?
    var reason: String?
    var routes: [String]?
    var model: [TensorFingerprint]?
}

/// A tensor as the probe prints it: name, shape and data bytes in hexadecimal.
struct TensorFingerprint: Decodable, Equatable {
    var name: String
    var shape: [Int]
    var data: String
}

/// An `sb-discovery-probe` process (built with the tests), optionally inside a network namespace,
/// whose output lines are collected as they arrive.
final class ProbeProcess {
    private let process = Process()
    private let output = ProbeOutput()

    /// Starts the probe with `arguments`, under `ip netns exec namespace` when one is given.
    init(_ arguments: [String], in namespace: String? = nil) throws {
        let probe = try Self.probeExecutable()
        if let namespace {
            let ip: URL = try #require(executable(named: "ip"))
            process.executableURL = ip
            process.arguments = ["netns", "exec", namespace, probe.path] + arguments
        } else {
            process.executableURL = probe
            process.arguments = arguments
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in output.append(handle.availableData) }
        try process.run()
    }

    deinit {
        kill()
    }

    /// The lines printed so far.
    var lines: [ProbeLine] { output.lines }

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

    /// Ends the process with SIGKILL, so its nodes get no chance to say goodbye, and reaps it.
    func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The probe executable, built next to the test bundle by `swift build` / `swift test`.
    private static func probeExecutable() throws -> URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let url = products.appendingPathComponent("sb-discovery-probe")
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "build the probe first: \(url.path)")
        return url
    }
}

/// A probe's output, split into lines as it arrives on the pipe's reading thread.
private final class ProbeOutput: Sendable {
    private let state = Mutex<(buffer: [UInt8], lines: [ProbeLine])>(([], []))

    var lines: [ProbeLine] { state.withLock { $0.lines } }

    func append(_ data: Data) {
        state.withLock { state in
            state.buffer += data
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(state.buffer[..<newline])
                state.buffer.removeSubrange(...newline)
                if let decoded = try? JSONDecoder().decode(ProbeLine.self, from: line) { state.lines.append(decoded) }
            }
        }
    }
}

/// The executable called `name` on the PATH (or in /usr/sbin, where iproute2 lives), if any.
func executable(named name: String) -> URL? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
    return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}
