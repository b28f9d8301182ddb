import Scatterbrained

/// `scatterbrained node`: the quickstart's step 2. Trains a Linear(10, 1) on diabetes in a namespace,
/// then serves it for a while, printing one JSON line per event (see ``NodeReport``): `started` with
/// the node's address, `epoch` lines, `model` with the weights served, `joined` / `left` / `served`
/// while serving, and `stopped`.
///
/// ```
/// scatterbrained node --discovery loopback --namespace MyFirstNamespace --epochs 10 --serve-seconds 60
/// ```
enum NodeCommand {
    static func run(_ arguments: ArraySlice<String>) async throws {
        let options = try Options(arguments, known: NodeOptions.known.union(["epochs", "serve-seconds"]))
        let settings = try NodeOptions(options)
        let epochs = try options.int("epochs", default: 10)
        let serving = Duration.seconds(try options.int("serve-seconds", default: 60))
        let (trainLoader, validLoader, features) = try NodeOptions.diabetes()
        let model = Linear(10, 1)
        let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters) }

        try await Node.run(settings.configuration) { node in
            var started = NodeReport(type: "started")
            started.id = node.id.description
            started.address = node.address.description
            started.namespace = settings.namespace
            started.write()
            try await node.namespace(settings.namespace, model: model, optimizer: createOptimizer) { ns in
                try await withThrowingTaskGroup { group in
                    group.addTask { for await event in ns.events { NodeReport(event).write() } }
                    try await ns.train(epochs: epochs, train: trainLoader, validation: validLoader)
                    try report("model", ns, features: features)
                    try await ns.serve(for: serving)
                    group.cancelAll()
                }
            }
        }
        NodeReport(type: "stopped").write()
    }

    /// Prints the namespace's current model.
    static func report(_ type: String, _ ns: Namespace, features: Tensor) throws {
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
            self.init(type: "epoch")
            self.epoch = epoch.epoch
            trainingLoss = epoch.trainingLoss
            validationLoss = epoch.validation?.loss
            version = epoch.modelVersion
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
