extension Namespace {
    /// One synchronous round after an epoch: send the module's weights to the neighbours, wait for the
    /// round to close (every expected model arrived, or the timeout), and load the aggregate.
    ///
    /// - Returns: The other nodes whose models the aggregate holds.
    func exchangeRound(_ module: Module, sampleCount: Int, exchange: Exchange) async throws -> [NodeID] {
        let members = peers
        let local = ModelState(
            ModelParameters(stateDict: module.stateDict()), sampleCount: sampleCount,
            round: board.exchange.nextRound, origin: runtime.nodeID)
        let actions = try board.exchange.start(local, members: members.map(\.nodeID), exchange: exchange)
        board.report(actions)
        for case .send(let model, let nodes) in actions {
            await push(model, to: members.filter { nodes.contains($0.nodeID) }, limit: exchange.timeout)
        }
        // The machine closes the round at its deadline at the latest; polling a little past it bounds the wait.
        let deadline = ContinuousClock.now + exchange.timeout + .seconds(1)
        while ContinuousClock.now < deadline {
            let (merged, actions) = try board.exchange.poll()
            board.report(actions)
            if let merged {
                try merged.model.parameters.load(into: module)
                return merged.contributors
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return []
    }

    /// Sends a round's model to each member, concurrently; a member that cannot be reached misses the
    /// round (its peers aggregate without it at their deadline).
    private func push(_ model: ModelState, to members: [Member], limit: Duration) async {
        guard let transport = runtime.transport else { return }
        let update: UpdatePush
        do {
            update = try UpdatePush(
                namespace: name, baseVersion: UInt64(model.round), sampleCount: UInt64(model.sampleCount),
                tensors: WireTensor.encode(model.parameters.stateDict, as: .float32))
        } catch {
            return
        }
        await withDiscardingTaskGroup { group in
            for member in members {
                group.addTask {
                    guard let connection = try? await transport.connect(to: member.address, timeout: limit) else {
                        return
                    }
                    try? await connection.send(.updatePush(update), timeout: limit)
                    await connection.close()
                }
            }
        }
    }
}
