import SBWire

/// Keeps at most one open connection per peer address and hands it to everyone who asks, so nodes
/// that exchange models every round pay the TCP and authentication handshakes once.
///
/// Closed connections (by either side, or after an error) are dropped when next looked up, and a new
/// one is opened in their place. Concurrent requests for the same address share one connection attempt.
///
/// ```swift
/// let pool = ConnectionPool(transport: transport)
/// let peer = try await pool.connection(to: address)      // connects and handshakes
/// let again = try await pool.connection(to: address)     // the same connection
/// await pool.closeAll()
/// ```
public actor ConnectionPool {
    /// The transport that opens new connections.
    public nonisolated let transport: any Transport

    private var connections: [SocketAddress: any PeerConnection] = [:]
    private var attempts: [SocketAddress: Task<any PeerConnection, any Error>] = [:]

    /// Creates an empty pool.
    public init(transport: any Transport) {
        self.transport = transport
    }

    /// The number of pooled connections that are still open.
    public var openConnectionCount: Int {
        pruneClosed()
        return connections.count
    }

    /// An open connection to `address`: the pooled one if it is still open, otherwise a new one.
    ///
    /// - Parameter address: The peer's listening address.
    /// - Throws: What ``Transport/connect(to:timeout:)`` throws.
    public func connection(to address: SocketAddress) async throws -> any PeerConnection {
        if let pooled = connections[address] {
            if pooled.isOpen { return pooled }
            connections[address] = nil
        }
        if let attempt = attempts[address] { return try await attempt.value }
        let transport = transport
        let attempt = Task { try await transport.connect(to: address) }
        attempts[address] = attempt
        defer { attempts[address] = nil }
        let connection = try await attempt.value
        connections[address] = connection
        return connection
    }

    /// The pooled open connection to the node with this id, if there is one.
    public func connection(toNode id: NodeID) -> (any PeerConnection)? {
        pruneClosed()
        return connections.values.first { $0.remoteNodeID == id }
    }

    /// Removes and closes the pooled connection to `address`, if any.
    public func close(_ address: SocketAddress) async {
        await connections.removeValue(forKey: address)?.close()
    }

    /// Closes every pooled connection and empties the pool.
    public func closeAll() async {
        let all = connections.values
        connections = [:]
        // Concurrently, since each graceful close may wait a moment for its peer.
        await withDiscardingTaskGroup { group in
            for connection in all {
                group.addTask { await connection.close() }
            }
        }
    }

    private func pruneClosed() {
        connections = connections.filter { $0.value.isOpen }
    }
}
