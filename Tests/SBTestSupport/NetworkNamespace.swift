import Foundation

/// A network namespace of its own, whose only interface is loopback until a test adds more: nodes
/// with default (LAN) settings can run in it without a packet reaching any real network. Deleted on
/// deinit (keep it alive with `withExtendedLifetime` while processes run inside).
public final class NetworkNamespace {
    /// Why namespaces cannot be created here, or `nil` when they can (root and iproute2 present).
    public static let unavailableReason: String? = {
        if getuid() != 0 { return "network namespaces need root" }
        if executableOnPath(named: "ip") == nil { return "network namespaces need iproute2's ip command" }
        return nil
    }()

    /// The namespace's name, unique per test run.
    public let name = "sb-test-\(UInt32.random(in: 0...UInt32.max))"

    /// Creates the namespace and brings its loopback interface up.
    public init() throws {
        try Self.ip(["netns", "add", name])
        do {
            try ip("link", "set", "lo", "up")
        } catch {
            try? Self.ip(["netns", "delete", name])
            throw error
        }
    }

    deinit {
        try? Self.ip(["netns", "delete", name])
    }

    /// Runs `ip` inside the namespace, as in `ip -n name link set lo up`.
    public func ip(_ arguments: String...) throws {
        try Self.ip(["-n", name] + arguments)
    }

    /// Whether `interface` in the namespace is up with a carrier (`LOWER_UP`), as discovery requires.
    public func hasCarrier(_ interface: String) throws -> Bool {
        let output = Pipe()
        try Self.ip(["-n", name, "-o", "link", "show", interface], output: output)
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("LOWER_UP")
    }

    private static func ip(_ arguments: [String], output: Pipe? = nil) throws {
        guard let ip = executableOnPath(named: "ip") else { throw TestSupportError("iproute2's ip is missing") }
        let process = Process()
        process.standardOutput = output
        process.executableURL = ip
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSupportError("ip \(arguments.joined(separator: " ")) failed")
        }
    }
}
