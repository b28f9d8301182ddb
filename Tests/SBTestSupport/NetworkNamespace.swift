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

    /// Two namespaces joined by a veth pair, `sb0` in the first and `sb1` in the second, addressed
    /// `subnet.1/24` and `subnet.2/24` (broadcast `subnet.255`) and still down. The pair lives inside
    /// the namespaces and dies with them: the host's own interfaces never see its traffic.
    ///
    /// - Parameter subnet: The first three bytes of the addresses, as in `10.77.0`.
    public static func pairJoinedByVeth(subnet: String) throws -> [NetworkNamespace] {
        let hosts = [try NetworkNamespace(), try NetworkNamespace()]
        try hosts[0].ip("link", "add", "sb0", "type", "veth", "peer", "name", "sb1", "netns", hosts[1].name)
        for (index, host) in hosts.enumerated() {
            try host.ip("addr", "add", "\(subnet).\(index + 1)/24", "broadcast", "\(subnet).255", "dev", "sb\(index)")
        }
        return hosts
    }

    deinit {
        try? Self.ip(["netns", "delete", name])
        try? FileManager.default.removeItem(atPath: configurationDirectory)
    }

    /// Where `ip netns exec` finds files it mounts over their namesakes in /etc for the processes it runs.
    private var configurationDirectory: String { "/etc/netns/\(name)" }

    /// Gives processes run in the namespace a hosts file of their own with `names` (name: address), and a
    /// resolver on the namespace's loopback, where nothing answers: names outside the file fail at once,
    /// and no lookup leaves the namespace.
    public func resolve(_ names: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: configurationDirectory, withIntermediateDirectories: true)
        let hosts = names.map { "\($0.value) \($0.key)\n" }.joined()
        try Data(hosts.utf8).write(to: URL(fileURLWithPath: "\(configurationDirectory)/hosts"))
        try Data("nameserver 127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: "\(configurationDirectory)/resolv.conf"))
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
