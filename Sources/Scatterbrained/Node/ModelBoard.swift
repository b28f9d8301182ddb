import Synchronization

/// The state of one open namespace that the node's serving tasks share with the namespace while it
/// trains: the published model, the peer filter, the models peers pushed, and the event stream.
final class ModelBoard: Sendable {
    let name: String
    /// Models peers pushed, until the namespace's exchange takes them.
    let inbox = Inbox()
    /// What became of the models this namespace pushed.
    let pushes = PushLedger()
    let events: AsyncStream<NamespaceEvent>
    private let continuation: AsyncStream<NamespaceEvent>.Continuation
    private let published: Mutex<PublishedModel?>
    private let filterState: Mutex<PeerFilter>

    /// How many unread events ``events`` keeps; older ones are dropped.
    private static let eventBufferSize = 1024

    init(name: String, model: PublishedModel?, filter: PeerFilter) {
        self.name = name
        published = Mutex(model)
        filterState = Mutex(filter)
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

    /// The nodes the namespace deals with: others are neither served, nor heard, nor sent to.
    var filter: PeerFilter {
        get { filterState.withLock { $0 } }
        set { filterState.withLock { $0 = newValue } }
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
        guard filter.admits(peer) else {
            return Self.refusal(.modelUnavailable, "this node's peer filter for '\(name)' excludes the requester")
        }
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

    /// Files a model a peer pushed for the namespace's exchange to take. Nothing is sent back: the
    /// sender learns the outcome from the models it receives in turn.
    func receive(_ update: UpdatePush, from peer: NodeID) {
        guard filter.admits(peer) else {
            return emit(.updateRejected(from: peer, reason: "\(UpdateRejection.notAllowed)"))
        }
        do {
            let parameters = ModelParameters(stateDict: try WireTensor.decode(update.tensors))
            let model = ModelState(
                parameters, sampleCount: Int(clamping: update.sampleCount), round: Int(clamping: update.baseVersion),
                origin: peer)
            if let dropped = inbox.put(model, from: peer) {
                emit(
                    .updateRejected(
                        from: dropped.sender,
                        reason: "the model of round \(dropped.model.round) was dropped unread: newer ones arrived"))
            }
        } catch {
            emit(.updateRejected(from: peer, reason: "\(error)"))
        }
    }

    /// Emits a federation state machine's event; the ones the namespace reports itself are skipped.
    func report(_ event: FederationEvent) {
        switch event {
        case .modelMerged(let round, let contributors): emit(.modelMerged(round: round, contributors: contributors))
        case .updateRejected(let sender, let reason): emit(.updateRejected(from: sender, reason: "\(reason)"))
        case .epochFinished, .peerJoined, .peerLeft: break
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
