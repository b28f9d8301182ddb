import Synchronization

/// A node's mutable side: the open namespaces and the network stack serving them. Stack changes run
/// one after another, each building the stack for the namespaces open at that moment.
actor NodeRuntime {
    let nodeID: NodeID
    let configuration: Node.Configuration
    let registry = NamespaceRegistry()
    /// The current stack, readable without waiting for a stack change to finish.
    nonisolated let current: Mutex<NetworkStack?>
    /// The node's listening socket, open from start to shutdown: every stack serves it in turn.
    private let socket: TCPListener
    let advertisedAddress: SocketAddress
    private var isShutDown = false
    private var lastChange: Task<Result<Void, NodeError>, Never>?

    init(nodeID: NodeID, configuration: Node.Configuration) async throws(NodeError) {
        self.nodeID = nodeID
        self.configuration = configuration
        do {
            socket = try TCPListener.bind(to: configuration.listeningAddress)
        } catch {
            throw .startFailed("cannot listen on \(configuration.listeningAddress): \(error)")
        }
        advertisedAddress = configuration.reachableAddress(for: socket.localAddress)
        do throws(NodeError) {
            current = Mutex(
                try await NetworkStack(
                    nodeID: nodeID, configuration: configuration, socket: socket, advertised: advertisedAddress,
                    namespaces: [], key: nil, registry: registry))
        } catch {
            socket.close()
            throw error
        }
    }

    /// The members of `namespace` the current stack knows, other than this node.
    nonisolated func members(in namespace: String) -> [Member] {
        current.withLock { $0?.membership.members(in: namespace) ?? [] }
    }

    /// The transport of the current stack, for fetching models.
    nonisolated var transport: TCPTransport? { current.withLock { $0?.transport } }

    /// The current stack's courier, for pushing models.
    nonisolated var courier: Courier? { current.withLock { $0?.courier } }

    /// Opens a namespace: registers its board and restarts the stack to announce it.
    func open(_ board: ModelBoard) async throws(NodeError) {
        guard !isShutDown else { throw .shutDown }
        if configuration.secret != nil, let open = registry.names.first {
            throw .secretAppliesToOneNamespace(open: open, requested: board.name)
        }
        guard registry.insert(board) else { throw .namespaceAlreadyOpen(board.name) }
        do throws(NodeError) {
            try await rebuild()
        } catch {
            registry.remove(board.name)
            throw error
        }
    }

    /// Closes a namespace: stops serving it and restarts the stack without it.
    func close(_ name: String) async {
        registry[name]?.close()
        registry.remove(name)
        guard !isShutDown else { return }
        // A failed restart leaves the node without a stack; the next open or shutdown reports or ends it.
        _ = try? await rebuild()
    }

    /// Stops the stack for good. Idempotent.
    func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        _ = await lastChange?.value
        let stack = current.withLock { stack in
            defer { stack = nil }
            return stack
        }
        await stack?.stop()
        socket.close()
    }

    /// Replaces the stack with one for the namespaces open now, after any change already under way.
    private func rebuild() async throws(NodeError) {
        let previous = lastChange
        let change = Task { [self] in
            _ = await previous?.value
            return await replaceStack()
        }
        lastChange = change
        try await change.value.get()
    }

    private func replaceStack() async -> Result<Void, NodeError> {
        guard !isShutDown else { return .failure(.shutDown) }
        let old = current.withLock { stack in
            defer { stack = nil }
            return stack
        }
        await old?.stop()
        let names = registry.names
        do throws(NodeError) {
            let key = try namespaceKey(for: names)
            let stack = try await NetworkStack(
                nodeID: nodeID, configuration: configuration, socket: socket, advertised: advertisedAddress,
                namespaces: names, key: key, registry: registry)
            current.withLock { $0 = stack }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    private func namespaceKey(for names: [String]) throws(NodeError) -> NamespaceKey? {
        guard let secret = configuration.secret, let name = names.first else { return nil }
        do {
            return try NamespaceKey(secret: Array(secret.utf8), namespace: name)
        } catch {
            throw .invalidSecret("\(error)")
        }
    }
}
