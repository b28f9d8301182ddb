import Synchronization

/// The state of one open namespace that the node's serving tasks read while the namespace trains:
/// the published model and the event stream. Shared by the namespace and the node.
final class ModelBoard: Sendable {
    let name: String
    let exchange: RoundExchange
    let events: AsyncStream<NamespaceEvent>
    private let continuation: AsyncStream<NamespaceEvent>.Continuation
    private let published: Mutex<PublishedModel?>

    /// How many unread events ``events`` keeps; older ones are dropped.
    private static let eventBufferSize = 1024

    init(name: String, model: PublishedModel?, node: NodeID) {
        self.name = name
        exchange = RoundExchange(node: node)
        published = Mutex(model)
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(Self.eventBufferSize))
    }

    deinit {
        continuation.finish()
    }

    /// The model as served now.
    var model: PublishedModel? { published.withLock { $0 } }

    /// Replaces the served model.
    func publish(_ model: PublishedModel) {
        published.withLock { $0 = model }
    }

    func emit(_ event: NamespaceEvent) {
        continuation.yield(event)
    }

    /// Ends ``events``.
    func close() {
        continuation.finish()
    }

    /// The answer to a peer's model request: the model if it is newer than what the peer holds.
    func answer(_ request: ModelRequest, from peer: NodeID) -> Message {
        guard let model else {
            return Self.refusal(.modelUnavailable, "'\(name)' has no model yet on this node")
        }
        guard model.version > request.haveVersion else {
            return Self.refusal(.modelUnavailable, "no model newer than version \(request.haveVersion)")
        }
        do {
            let response = try model.response(to: request)
            emit(.modelServed(to: peer, version: model.version))
            return .modelResponse(response)
        } catch {
            return Self.refusal(.internalError, "the model cannot be sent: \(error)")
        }
    }

    /// Delivers a peer's trained model to the namespace's rounds. Nothing is sent back: the sender
    /// learns the outcome from the round's merged models.
    func receive(_ update: UpdatePush, from peer: NodeID) {
        do {
            let parameters = ModelParameters(stateDict: try WireTensor.decode(update.tensors))
            let model = ModelState(
                parameters, sampleCount: Int(clamping: update.sampleCount), round: Int(clamping: update.baseVersion),
                origin: peer)
            report(try exchange.receive(model, from: peer))
        } catch {
            emit(.updateRejected(from: peer, reason: "\(error)"))
        }
    }

    /// Emits the events among a round's actions.
    func report(_ actions: [SynchronousRounds.Action]) {
        for case .event(let event) in actions {
            switch event {
            case .modelMerged(let round, let contributors): emit(.modelMerged(round: round, contributors: contributors))
            case .updateRejected(let sender, let reason): emit(.updateRejected(from: sender, reason: "\(reason)"))
            case .epochFinished, .peerJoined, .peerLeft: break
            }
        }
    }

    static func refusal(_ code: ErrorCode, _ text: String) -> Message {
        // The texts are short: a namespace name (at most 255 bytes) and a few words.
        .error(try! ErrorMessage(code: code, text: text))
    }
}

/// The namespaces open on a node, by name, for the serving tasks to look up.
final class NamespaceRegistry: Sendable {
    private let boards = Mutex<[String: ModelBoard]>([:])

    var names: [String] { boards.withLock { $0.keys.sorted() } }

    subscript(name: String) -> ModelBoard? { boards.withLock { $0[name] } }

    /// Adds a board; false if the name is taken.
    func insert(_ board: ModelBoard) -> Bool {
        boards.withLock { boards in
            guard boards[board.name] == nil else { return false }
            boards[board.name] = board
            return true
        }
    }

    func remove(_ name: String) {
        boards.withLock { _ = $0.removeValue(forKey: name) }
    }

    /// The reply to a message a peer sent that membership does not handle.
    func answer(_ message: Message, from peer: NodeID) -> Message? {
        switch message {
        case .modelRequest(let request):
            guard let board = self[request.namespace] else {
                return ModelBoard.refusal(.unknownNamespace, "this node is not in '\(request.namespace)'")
            }
            return board.answer(request, from: peer)
        case .updatePush(let update):
            self[update.namespace]?.receive(update, from: peer)
            return nil
        default:
            return MembershipService.refuseUnexpected(message)
        }
    }
}
