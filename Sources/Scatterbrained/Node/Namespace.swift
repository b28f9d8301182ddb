/// A namespace open on a node: its model, its peers, and the work the node does in it.
///
/// A namespace owns its model. ``Node/namespace(_:model:optimizer:_:)`` copies the given model's
/// architecture and weights into the namespace, which trains its own module; ``model`` hands out a
/// fresh module with the current weights. While the namespace is open the node answers peers' model
/// requests with the current model, also while it trains.
///
/// ```swift
/// try await node.namespace("MyFirstNamespace", model: model, optimizer: createOptimizer) { ns in
///     let report = try await ns.train(epochs: 10, train: trainLoader, validation: validLoader)
///     print(report.epochs.last!.trainingLoss, ns.peers)
///     try await ns.serve(for: .seconds(30))
/// }
/// ```
public actor Namespace {
    /// The namespace's name, as peers know it.
    public nonisolated let name: String
    nonisolated let board: ModelBoard
    nonisolated let runtime: NodeRuntime
    private let makeOptimizer: OptimizerFactory
    /// The module training works on, built from the published model when first needed.
    private var module: Module?
    private var optimizer: (any Optimizer)?
    /// The round of the namespace's last exchange, so that rounds go on across `train` calls.
    var lastRound = 0
    /// The peers synchronous rounds stopped waiting for (they sent no model in a round), so that
    /// rounds go on not waiting for them across `train` calls until they send one.
    var quietPeers: Set<NodeID> = []
    /// The central mode's participant after the last `train` call: a call that follows trains from the
    /// global model the last one ended with rather than waiting for a new one.
    var centralParticipant: CentralParticipant?
    /// The origin of the time the federation state machines read.
    let clockOrigin = ContinuousClock.now

    init(name: String, board: ModelBoard, runtime: NodeRuntime, optimizer: @escaping OptimizerFactory) {
        self.name = name
        self.board = board
        self.runtime = runtime
        makeOptimizer = optimizer
    }

    /// A new module with the namespace's current architecture and weights, or nil before the first
    /// ``syncModel(timeout:)`` of a joined namespace. Each read builds a fresh module: changing it does
    /// not change the namespace's model.
    public nonisolated var model: Module? {
        // Cannot fail: a published snapshot was taken from a module, or rebuilt once when it arrived.
        try? board.model?.snapshot.makeModule()
    }

    /// The current architecture and weights as a value, or nil before the first sync of a joined namespace.
    public nonisolated var snapshot: ModelSnapshot? { board.model?.snapshot }

    /// The current model's version: 1 for a namespace's initial model, one more after every epoch;
    /// a downloaded model keeps the source's version. 0 without a model.
    public nonisolated var version: UInt64 { board.model?.version ?? 0 }

    /// The other nodes known to be in this namespace that its ``peerFilter`` admits, ordered by node id.
    public nonisolated var peers: [Member] { runtime.members(in: name).filter { board.filter.admits($0.nodeID) } }

    /// The nodes this namespace deals with, on top of every exchange's topology: a node the filter
    /// excludes is not listed in ``peers``, not sent models, and neither served nor heard from (its
    /// model requests are refused, its pushed models rejected). Admits everyone by default.
    ///
    /// ```swift
    /// ns.peerFilter = .denying([untrusted])
    /// ```
    public nonisolated var peerFilter: PeerFilter {
        get { board.filter }
        set { board.filter = newValue }
    }

    /// What became of every model this namespace pushed to its peers since it opened: delivered,
    /// superseded by a newer one, or lost. ``TrainingReport`` and ``CoordinationReport`` carry the
    /// part of one call.
    public nonisolated var pushStatistics: PushStatistics { board.pushes.statistics }

    /// Peers joining and leaving, epochs, downloads and uploads, as they happen. Meant for one reader;
    /// the latest 1,024 unread events are kept. It ends when the namespace closes.
    public nonisolated var events: AsyncStream<NamespaceEvent> { board.events }

    /// Keeps the namespace open and its model served until the task is cancelled.
    ///
    /// The node answers peers for as long as the namespace is open; `serve()` is how a program says
    /// it has nothing else to do. Cancel the task (or use ``serve(for:)``) to go on.
    ///
    /// - Throws: `CancellationError` when cancelled.
    public nonisolated func serve() async throws {
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    /// Keeps the namespace open and its model served for `duration`.
    ///
    /// ```swift
    /// try await ns.serve(for: .seconds(30))
    /// ```
    ///
    /// - Throws: `CancellationError` when cancelled first.
    public nonisolated func serve(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }

    /// The module training works on, built from the published model on first use.
    func trainingModule() throws(NodeError) -> (Module, any Optimizer) {
        if let module, let optimizer { return (module, optimizer) }
        guard let published = board.model else { throw .noModel(name) }
        let module: Module
        do {
            module = try published.snapshot.makeModule()
        } catch {
            throw .invalidModel("\(error)")
        }
        let optimizer = makeOptimizer(module)
        self.module = module
        self.optimizer = optimizer
        return (module, optimizer)
    }

    /// Drops the training module, so the next training starts from the published model.
    func resetTrainingModule() {
        module = nil
        optimizer = nil
    }
}
