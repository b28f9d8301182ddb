import Scatterbrained

/// `scatterbrained node`: the quickstart's step 2. Trains a model in a namespace, then serves it for a
/// while, printing one JSON line per event (see ``NodeReport``): `started` with the node's address,
/// an `epoch` line per epoch (losses, validation accuracy for classifiers, the peers merged with, the
/// time taken), `model` with the weights served, `joined` / `left` / `merged` / `rejected` / `served`
/// as they happen, and `stopped`.
///
/// It finds peers as ``NodeOptions`` says: multicast on the LAN by default, `--discovery loopback|none`,
/// or `--seeds HOST:PORT,...`; `--host` and `--port` set where it listens.
///
/// By default it trains the quickstart's Linear(10, 1) on diabetes alone. The training options federate it:
///
/// - `--dataset diabetes|digits`: the data set and its model (digits: an MLP 64-64-10 on 8x8 digits).
/// - `--shard i/n`: train on part `i` (from 1) of `n` of the training split: label-skewed Dirichlet(0.5)
///   parts for digits, an IID cut for diabetes. Every node keeps the same validation split.
/// - `--seed S` (42): fixes the split, the shards, the initial model and the batch order, so nodes
///   given the same seed start from the same model.
/// - `--optimizer sgd|adamw`, `--learning-rate R`: SGD with momentum 0.9 (digits' default) or AdamW
///   (diabetes' default), each with a rate that suits the data set unless given.
/// - `--exchange async|sync|central|local`, `--round-timeout-seconds S` (10): after every epoch, merge the
///   peers' newest models without waiting (the default), a synchronous FedAvg round with every peer
///   (waiting up to S seconds for their models), train from the central authority's global model
///   (waiting up to S seconds for each), or no exchange.
/// - `--coordinate-rounds R`, `--min-participants N` (1): instead of training, act as the namespace's
///   central authority for R rounds, printing a `round` line per round (participants: `--exchange central`).
/// - `--peers N`, `--peer-timeout-seconds S` (30): wait until N peers are known before the first
///   epoch (and fail after S seconds), so that the first rounds include them.
/// - `--epoch-delay-ms M` (0): pause M milliseconds after every epoch, as a slower device would.
///
/// ```
/// scatterbrained node --discovery loopback --namespace MyFirstNamespace --epochs 10 --serve-seconds 60
/// scatterbrained node --discovery loopback --namespace Digits --dataset digits --shard 1/3 --exchange sync \
///     --peers 2 --epochs 20 --serve-seconds 0
/// ```
enum NodeCommand {
    static func run(_ arguments: ArraySlice<String>) async throws {
        let options = try Options(
            arguments, known: NodeOptions.known.union(TrainingOptions.known).union(["epochs", "serve-seconds"]))
        let settings = try await NodeOptions(options)
        let training = try TrainingOptions(options)
        let epochs = try options.int("epochs", default: 10)
        let serving = Duration.seconds(try options.int("serve-seconds", default: 60))
        let model = training.workload.makeModel()

        try await Node.run(settings.configuration) { node in
            NodeReport(startedBy: node, in: settings.namespace).write()
            try await node.namespace(settings.namespace, model: model, optimizer: training.workload.optimizer) {
                (ns: Namespace) async throws -> Void in
                try await withThrowingTaskGroup { group in
                    group.addTask { await printEvents(of: ns) }
                    if let coordination = training.coordination {
                        try await training.coordinate(ns, coordination)
                    } else {
                        try await training.train(ns, epochs: epochs)
                    }
                    try report("model", ns, features: training.workload.features)
                    try await ns.serve(for: serving)
                    group.cancelAll()
                }
            }
        }
        NodeReport(type: "stopped").write()
    }

    /// Prints a line for each of the namespace's events until it closes, except finished epochs, whose
    /// lines the training loop prints with the epoch's number in the whole run.
    static func printEvents(of ns: Namespace) async {
        for await event in ns.events {
            if case .epochFinished = event { continue }
            NodeReport(event).write()
        }
    }

    /// Prints the namespace's current model, with its predictions on `features` when given.
    static func report(_ type: String, _ ns: Namespace, features: Tensor?) throws {
        guard let snapshot = ns.snapshot else { throw NodeError.noModel(ns.name) }
        try NodeReport(type: type, snapshot: snapshot, version: ns.version, features: features).write()
    }
}

extension NodeReport {
    /// The line for a namespace event.
    init(_ event: NamespaceEvent) {
        switch event {
        case .peerJoined(let member):
            self.init(type: "joined")
            id = member.nodeID.description
            address = member.address.description
        case .peerLeft(let member):
            self.init(type: "left")
            id = member.nodeID.description
            address = member.address.description
        case .epochFinished(let epoch):
            self.init(epoch)
        case .modelSynced(let peer, let version):
            self.init(type: "synced")
            id = peer.description
            self.version = version
        case .modelServed(let peer, let version):
            self.init(type: "served")
            id = peer.description
            self.version = version
        case .modelMerged(let round, let contributors):
            self.init(type: "merged")
            self.round = round
            self.contributors = contributors.map(\.description)
        case .updateRejected(let peer, let reason):
            self.init(type: "rejected")
            id = peer.description
            self.reason = reason
        }
    }
}
