import Scatterbrained

/// The options `node` and `join` share: discovery, namespace and secret.
struct NodeOptions {
    var configuration: Node.Configuration
    var namespace: String

    static let known: Set<String> = ["discovery", "namespace", "secret"]

    init(_ options: Options) throws {
        let discovery: Node.Configuration.Discovery
        switch options.string("discovery", default: "lan") {
        case "lan": discovery = .lan
        case "loopback": discovery = .loopback
        case let other: throw UsageError(description: "--discovery is lan or loopback, not '\(other)'")
        }
        configuration = Node.Configuration(discovery: discovery, secret: options.string("secret"))
        namespace = options.string("namespace", default: "MyFirstNamespace")
    }
}
