import Scatterbrained

/// The options `node` and `join` share: where to listen, how to find peers, namespace and secret.
///
/// - `--discovery lan|loopback|none` (lan): multicast on the LAN, on this machine only, or not at all.
/// - `--seeds HOST:PORT[,HOST:PORT...]`: ask these nodes for the namespace's members instead of
///   multicasting (for networks without multicast); names are resolved when the node starts.
/// - `--host IP`, `--port P`: the address to listen on (every interface, and a free port, by default).
struct NodeOptions {
    var configuration: Node.Configuration
    var namespace: String

    static let known: Set<String> = ["discovery", "seeds", "host", "port", "namespace", "secret"]

    init(_ options: Options) async throws {
        let discovery: Node.Configuration.Discovery
        switch (options.string("discovery"), options.string("seeds")) {
        case (nil, let seeds?): discovery = .seeds(try await Self.resolve(seeds))
        case (_?, _?): throw UsageError(description: "--seeds replaces --discovery: give one of them")
        case (nil, nil), ("lan", nil): discovery = .lan
        case ("loopback", nil): discovery = .loopback
        case ("none", nil): discovery = .disabled
        case (let other?, nil): throw UsageError(description: "--discovery is lan, loopback or none, not '\(other)'")
        }
        var host: IPAddress?
        if let text = options.string("host") {
            do {
                host = try IPAddress(parsing: text)
            } catch {
                throw UsageError(description: "--host: \(error)")
            }
        }
        let port = try options.int("port", default: 0)
        guard port <= Int(UInt16.max) else { throw UsageError(description: "--port is at most 65535, not \(port)") }
        configuration = Node.Configuration(
            host: host, port: UInt16(port), discovery: discovery, secret: options.string("secret"))
        namespace = options.string("namespace", default: "MyFirstNamespace")
    }

    /// The addresses of a comma-separated list of `host:port` seeds, names resolved.
    private static func resolve(_ list: String) async throws -> [SocketAddress] {
        var seeds: [SocketAddress] = []
        for text in list.split(separator: ",").map({ String($0) }) {
            do {
                seeds += try await SocketAddress.resolving(text)
            } catch {
                throw UsageError(description: "--seeds: \(error)")
            }
        }
        guard !seeds.isEmpty else { throw UsageError(description: "--seeds needs at least one HOST:PORT") }
        return seeds
    }
}
