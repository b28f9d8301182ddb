extension Namespace {
    /// Downloads the newest model from the namespace's peers: the architecture and the weights, bit
    /// for bit, after which ``model`` predicts exactly as the source's model does.
    ///
    /// Peers are asked in turn, each for a model newer than the newest found so far, so the model with
    /// the highest version wins and each peer sends at most one. A node that already holds a model and
    /// whose peers have nothing newer keeps it. Without a peer in reach the call waits for one to appear,
    /// up to `timeout`.
    ///
    /// ```swift
    /// try await node.join("MyFirstNamespace") { ns in
    ///     try await ns.syncModel(timeout: .seconds(10))
    ///     print(ns.model!(features))
    /// }
    /// ```
    ///
    /// - Parameter timeout: How long to wait for a peer that serves a model; 30 seconds by default.
    /// - Returns: The version installed.
    /// - Throws: ``NodeError/noModelInReach(namespace:waited:detail:)`` when no peer served a model newer
    ///   than this node's in time, or `CancellationError`.
    @discardableResult
    public func syncModel(timeout: Duration = .seconds(30)) async throws -> UInt64 {
        let start = ContinuousClock.now
        var lastProblem = "no peer found"
        while true {
            let peers = self.peers
            if !peers.isEmpty {
                var best: (response: ModelResponse, peer: NodeID)?
                var problems: [String] = []
                var answered = false
                for peer in peers {
                    let have = best?.response.modelVersion ?? version
                    switch await fetch(from: peer, newerThan: have, limit: max(timeout - (.now - start), .seconds(1))) {
                    case .success(let response): best = (response, peer.nodeID)
                    case .failure(let problem):
                        problems.append("\(peer.address): \(problem)")
                        answered = answered || problem.answered
                    }
                }
                if let best {
                    let model = try PublishedModel(best.response)
                    board.publish(model)
                    resetTrainingModule()
                    board.emit(.modelSynced(from: best.peer, version: model.version))
                    return model.version
                }
                // Reachable peers with nothing newer than the model this node holds: it is the newest.
                if answered && version > 0 { return version }
                lastProblem = problems.joined(separator: "; ")
            }
            let waited = ContinuousClock.now - start
            guard waited < timeout else {
                throw NodeError.noModelInReach(namespace: name, waited: waited, detail: lastProblem)
            }
            try await Task.sleep(for: min(.milliseconds(100), timeout - waited))
        }
    }

    /// Asks one peer for a model newer than `version`.
    private func fetch(from peer: Member, newerThan version: UInt64, limit: Duration) async
        -> Result<ModelResponse, FetchProblem>
    {
        guard let transport = runtime.transport else { return .failure(FetchProblem(text: "the node is shut down")) }
        let connection: any PeerConnection
        do {
            connection = try await transport.connect(to: peer.address, timeout: min(limit, .seconds(5)))
        } catch {
            return .failure(FetchProblem(text: "\(error)"))
        }
        let result = await request(on: connection, newerThan: version, limit: limit)
        await connection.close()
        return result
    }

    /// Sends one model request on `connection` and reads the answer.
    private func request(on connection: any PeerConnection, newerThan version: UInt64, limit: Duration) async
        -> Result<ModelResponse, FetchProblem>
    {
        let requestID = UInt64.random(in: 1...UInt64.max)
        do {
            let request = try ModelRequest(requestID: requestID, namespace: name, haveVersion: version)
            try await connection.send(.modelRequest(request), timeout: limit)
            switch try await connection.receive(timeout: limit) {
            case .modelResponse(let response) where response.requestID == requestID && response.namespace == name:
                return .success(response)
            case .error(let refusal):
                return .failure(FetchProblem(text: "\(refusal.code): \(refusal.text)", answered: true))
            case let other:
                return .failure(FetchProblem(text: "answered with a \(other.type) message"))
            }
        } catch {
            return .failure(FetchProblem(text: "\(error)"))
        }
    }
}

/// Why one peer did not provide a model, for ``NodeError/noModelInReach(namespace:waited:detail:)``.
private struct FetchProblem: Error {
    var text: String
    /// Whether the peer answered (with a refusal), as opposed to being unreachable.
    var answered = false
}

extension FetchProblem: CustomStringConvertible {
    var description: String { text }
}
