import Scatterbrained

/// `scatterbrained join`: the quickstart's step 3. Joins a namespace by name, downloads its model,
/// prints a `started` line with the node's id, then the model as one JSON line (`synced`: version,
/// architecture, weights in hexadecimal, their digest, and the predictions on the data set's validation
/// split) and exits.
///
/// With `--epochs N` it then trains the downloaded model for N epochs, with the training options of
/// `node` (`--dataset`, `--shard`, `--exchange sync`, `--round-timeout-seconds`, `--peers`, ...; see
/// ``NodeCommand``), printing `epoch` lines and the events as `node` does, and a `model` line at the end.
/// The data set must be the one the namespace's model was made for.
///
/// ```
/// scatterbrained join --discovery loopback --namespace MyFirstNamespace --timeout-seconds 30
/// scatterbrained join --discovery loopback --namespace Digits --dataset digits --shard 3/3 --exchange sync --epochs 10
/// ```
enum JoinCommand {
    static func run(_ arguments: ArraySlice<String>) async throws {
        let options = try Options(
            arguments, known: NodeOptions.known.union(TrainingOptions.known).union(["timeout-seconds", "epochs"]))
        let settings = try await NodeOptions(options)
        let training = try TrainingOptions(options)
        guard training.coordination == nil else {
            throw UsageError(description: "--coordinate-rounds is for `node`, which holds the initial model")
        }
        let timeout = Duration.seconds(try options.int("timeout-seconds", default: 30))
        let epochs = try options.int("epochs", default: 0)
        let features = training.workload.features

        try await Node.run(settings.configuration) { node in
            NodeReport(startedBy: node, in: settings.namespace).write()
            try await node.join(settings.namespace, optimizer: training.workload.optimizer) {
                (ns: Namespace) async throws -> Void in
                try await ns.syncModel(timeout: timeout)
                try NodeCommand.report("synced", ns, features: features)
                guard epochs > 0 else { return }
                try await withThrowingTaskGroup { group in
                    group.addTask { await NodeCommand.printEvents(of: ns) }
                    try await training.train(ns, epochs: epochs)
                    try NodeCommand.report("model", ns, features: features)
                    group.cancelAll()
                }
            }
        }
    }
}
