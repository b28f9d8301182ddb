import Foundation
import Scatterbrained

/// `scatterbrained export <directory>`: joins a namespace by name, downloads its model and saves it as a
/// model directory (`model.json` with the architecture, `model.safetensors` with the weights, which
/// PyTorch and NumPy read; see docs/MODEL_FILES.md), then exits. Prints `started`, then `saved` with the
/// model's version, architecture, weights and digest (the SHA-256 of the safetensors file).
///
/// It takes the node options of `join` (``NodeOptions``) and `--timeout-seconds N` (30), how long it
/// waits for a peer.
///
/// ```
/// scatterbrained export --discovery loopback --namespace MyFirstNamespace ./federated-model
/// ```
enum ExportCommand {
    static func run(_ arguments: ArraySlice<String>) async throws {
        let options = try Options(arguments, known: NodeOptions.known.union(["timeout-seconds"]))
        guard options.positional.count == 1, let path = options.positional.first else {
            throw UsageError(description: "export needs exactly one directory to save the model to")
        }
        let settings = try await NodeOptions(options)
        let timeout = Duration.seconds(try options.int("timeout-seconds", default: 30))
        let directory = URL(fileURLWithPath: path)

        try await Node.run(settings.configuration) { node in
            NodeReport(startedBy: node, in: settings.namespace).write()
            try await node.join(settings.namespace) { (ns: Namespace) async throws -> Void in
                try await ns.syncModel(timeout: timeout)
                guard let snapshot = ns.snapshot else { throw NodeError.noModel(ns.name) }
                try snapshot.save(to: directory)
                try NodeCommand.report("saved", ns, features: nil)
            }
        }
    }
}
