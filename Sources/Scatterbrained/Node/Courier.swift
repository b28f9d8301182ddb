/// Delivers a node's pushed models (round models, updates, global models) to its peers in the
/// background, over pooled connections, so that training never waits for a slow or dead peer.
///
/// Each peer has at most one push in flight and the others queue behind it in order: a synchronous
/// round needs every round's model, not only the newest. A queue that outgrows ``queueLimit`` (a peer
/// much slower than this node) loses its oldest models first. Where only the newest model counts
/// (asynchronous merging), a new model replaces the queued ones instead. Every push ends up counted in
/// the ledger it came with: delivered, superseded or lost.
actor Courier {
    /// How long one push may take, connecting included, before the peer misses it.
    static let pushTimeout = Duration.seconds(30)
    /// Models kept waiting per peer; as many rounds as a peer keeps for rounds it has not reached.
    static let queueLimit = SynchronousRounds.earlyRoundsPerSender

    private let pool: ConnectionPool
    private var inFlight: [SocketAddress: Task<Void, Never>] = [:]
    private var waiting: [SocketAddress: [Push]] = [:]
    private var isStopped = false

    /// A model on its way to one peer, and the ledger of the namespace that sent it.
    private struct Push {
        let update: UpdatePush
        let ledger: PushLedger
    }

    init(transport: TCPTransport) {
        pool = ConnectionPool(transport: transport)
    }

    /// Sends `update` to each address, after the pushes already queued for it.
    ///
    /// - Parameters:
    ///   - replacingQueued: Drop the models still queued for the address: `update` supersedes them.
    ///   - ledger: Where each push's outcome is counted.
    func deliver(
        _ update: UpdatePush, to addresses: [SocketAddress], replacingQueued: Bool = false, ledger: PushLedger
    ) {
        let addresses = Set(addresses)
        guard !isStopped else { return ledger.count(lost: addresses.count) }
        for address in addresses {
            let push = Push(update: update, ledger: ledger)
            if inFlight[address] != nil {
                var queue = waiting[address, default: []]
                if replacingQueued {
                    for replaced in queue { replaced.ledger.count(superseded: 1) }
                    queue = []
                }
                queue.append(push)
                if queue.count > Self.queueLimit { queue.removeFirst().ledger.count(lost: 1) }
                waiting[address] = queue
            } else {
                start(push, to: address)
            }
        }
    }

    /// Waits until every push handed over so far has been delivered or given up on.
    func waitUntilDelivered() async {
        // Each push ends within its timeout, and a waiting one starts as the one before it ends.
        let limit = ContinuousClock.now + Self.pushTimeout * 2
        while !inFlight.isEmpty && ContinuousClock.now < limit {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Cancels the pushes under way, drops the waiting ones and closes the connections.
    func stop() async {
        isStopped = true
        for push in waiting.values.joined() { push.ledger.count(lost: 1) }
        waiting = [:]
        let running = Array(inFlight.values)
        for task in running { task.cancel() }
        for task in running { await task.value }
        await pool.closeAll()
    }

    private func start(_ push: Push, to address: SocketAddress) {
        let pool = pool
        inFlight[address] = Task {
            let delivered = await Self.send(push.update, to: address, pool: pool)
            push.ledger.count(delivered: delivered ? 1 : 0, lost: delivered ? 0 : 1)
            self.finished(address)
        }
    }

    private func finished(_ address: SocketAddress) {
        inFlight[address] = nil
        guard !isStopped, var queue = waiting.removeValue(forKey: address), !queue.isEmpty else { return }
        let next = queue.removeFirst()
        if !queue.isEmpty { waiting[address] = queue }
        start(next, to: address)
    }

    /// One push. A pooled connection the peer has closed (it restarted, or timed the connection out)
    /// fails on first use, so a failed send is retried once on a fresh connection.
    ///
    /// - Returns: Whether the update went out.
    private static func send(_ update: UpdatePush, to address: SocketAddress, pool: ConnectionPool) async -> Bool {
        for _ in 0..<2 {
            guard !Task.isCancelled else { return false }
            do {
                let connection = try await pool.connection(to: address)
                try await connection.send(.updatePush(update), timeout: pushTimeout)
                return true
            } catch {
                await pool.close(address)
            }
        }
        return false
    }
}
