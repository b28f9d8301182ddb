import Scatterbrained

/// `scatterbrained join`: the quickstart's step 3. Joins a namespace by name, downloads its model,
/// prints a `started` line with the node's id, then the model as one JSON line (`synced`: version, architecture, weights in hexadecimal, their digest,
/// and the predictions on the quickstart's validation split) and exits.
///
/// ```
/// scatterbrained join --discovery loopback --namespace MyFirstNamespace --timeout-seconds 30
/// ```
enum JoinCommand {
    static func run(_ arguments: ArraySlice<String>) async throws {
        let options = try Options(arguments, known: NodeOptions.known.union(["timeout-seconds"]))
        let settings = try NodeOptions(options)
        let timeout = Duration.seconds(try options.int("timeout-seconds", default: 30))
        let features = try NodeOptions.diabetes().features

        try await Node.run(settings.configuration) { node in
            var started = NodeReport(type: "started")
            started.id = node.id.description
            started.address = node.address.description
            started.namespace = settings.namespace
            started.write()
            try await node.join(settings.namespace) { ns in
                try await ns.syncModel(timeout: timeout)
                try NodeCommand.report("synced", ns, features: features)
            }
        }
    }
}
