import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One line of `scatterbrained node` or `join` output (the CLI's `NodeReport`).
struct NodeLine: Decodable, Equatable {
    var type: String
    var id: String?
    var address: String?
    var version: UInt64?
    var architecture: String?
    var weights: [String: String]?
    var digest: String?
    var predictions: [String]?
}

/// A `scatterbrained` process (built with the tests, next to the test bundle), optionally inside a
/// network namespace, whose output lines are collected as they arrive.
final class NodeProcess {
    private let process = Process()
    private let output = NodeOutput()

    /// Starts `scatterbrained` with `arguments`, under `ip netns exec namespace` when one is given.
    init(_ arguments: [String], in namespace: String? = nil) throws {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let cli = products.appendingPathComponent("scatterbrained")
        try #require(FileManager.default.isExecutableFile(atPath: cli.path), "build the CLI first: \(cli.path)")
        if let namespace {
            process.executableURL = URL(fileURLWithPath: try #require(ipCommand))
            process.arguments = ["netns", "exec", namespace, cli.path] + arguments
        } else {
            process.executableURL = cli
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
    var lines: [NodeLine] { output.lines }

    /// The first line of `type`, once printed.
    func line(_ type: String) -> NodeLine? { lines.first { $0.type == type } }

    /// Waits up to `limit` for a line of `type`.
    func wait(for type: String, limit: Duration) async throws -> NodeLine? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let line = line(type) { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
        return line(type)
    }

    /// Waits up to `limit` for the process to exit; its status, or nil if it still runs.
    func exitStatus(within limit: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Ends the process with SIGKILL and reaps it.
    func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A process's output, split into lines as it arrives on the pipe's reading thread.
private final class NodeOutput: Sendable {
    private let state = Mutex<(buffer: [UInt8], lines: [NodeLine])>(([], []))

    var lines: [NodeLine] { state.withLock { $0.lines } }

    func append(_ data: Data) {
        state.withLock { state in
            state.buffer += data
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(state.buffer[..<newline])
                state.buffer.removeSubrange(...newline)
                if let decoded = try? JSONDecoder().decode(NodeLine.self, from: line) { state.lines.append(decoded) }
            }
        }
    }
}

/// iproute2's `ip`, if installed.
let ipCommand = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// A network namespace of its own whose only interface is loopback, deleted on deinit.
final class IsolatedNetwork {
    /// Why namespaces cannot be created here, or nil when they can.
    static let unavailableReason: String? = {
        if getuid() != 0 { return "network namespaces need root" }
        if ipCommand == nil { return "network namespaces need iproute2's ip command" }
        return nil
    }()

    let name = "sb-node-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        try Self.ip(["netns", "add", name])
        do {
            try Self.ip(["-n", name, "link", "set", "lo", "up"])
        } catch {
            try? Self.ip(["netns", "delete", name])
            throw error
        }
    }

    deinit {
        try? Self.ip(["netns", "delete", name])
    }

    private static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ipCommand))
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ip \(arguments.joined(separator: " ")) failed")
    }
}
