/// A participant in federated learning: it listens for peers, finds the other members of its
/// namespaces, and serves and fetches models.
///
/// Most programs use ``run(_:_:)``, which starts a node for the length of a closure and always shuts
/// it down. Long-lived programs (an app that keeps a node for its lifetime) create one with
/// ``init(_:)`` and call ``shutdown()`` when done.
///
/// ```swift
/// try await Node.run { node in
///     print("node \(node.id) listens on \(node.address)")
///     try await node.namespace("MyFirstNamespace", model: model, optimizer: createOptimizer) { ns in
///         try await ns.train(epochs: 10, train: trainLoader, validation: validLoader)
///         try await ns.serve()
///     }
/// }
/// ```
public final class Node: Sendable {
    /// The node's identity, random for each node.
    public let id: NodeID
    /// The settings the node runs with.
    public let configuration: Configuration
    let runtime: NodeRuntime

    /// Starts a node: binds its listener and starts discovery and peer exchange.
    ///
    /// - Parameter configuration: Where to listen and how to find peers; the LAN defaults when omitted.
    /// - Throws: ``NodeError/startFailed(_:)`` when the port is taken or discovery cannot start.
    public init(_ configuration: Configuration = Configuration()) async throws(NodeError) {
        id = .random()
        self.configuration = configuration
        runtime = try await NodeRuntime(nodeID: id, configuration: configuration)
    }

    /// The address peers reach this node at: never a wildcard, with the port actually bound.
    public var address: SocketAddress { runtime.advertisedAddress }

    /// Stops listening, tells discovery peers the node leaves, and closes its connections. Idempotent;
    /// the node cannot be used afterwards.
    public func shutdown() async {
        await runtime.shutdown()
    }

    /// Runs `body` with a started node and shuts the node down when `body` returns or throws, also when
    /// the task is cancelled: the Swift shape of Python's `async with`.
    ///
    /// `body` runs on the caller's executor, so it may use the caller's non-Sendable values (a model,
    /// data loaders) as they are.
    ///
    /// ```swift
    /// try await Node.run(Node.Configuration(discovery: .loopback)) { node in
    ///     try await node.join("MyFirstNamespace") { ns in try await ns.syncModel() }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - configuration: Where to listen and how to find peers; the LAN defaults when omitted.
    ///   - body: The work to do with the node.
    /// - Returns: What `body` returns.
    /// - Throws: ``NodeError/startFailed(_:)``, or what `body` throws.
    public nonisolated(nonsending) static func run<Result>(
        _ configuration: Configuration = Configuration(),
        _ body: nonisolated(nonsending) (Node) async throws -> Result
    ) async throws -> Result {
        let node = try await Node(configuration)
        do {
            let result = try await body(node)
            await node.shutdown()
            return result
        } catch {
            await node.shutdown()
            throw error
        }
    }
}
