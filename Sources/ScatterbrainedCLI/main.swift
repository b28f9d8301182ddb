import Foundation

// The `scatterbrained` command: a subcommand name, then its options.
let arguments = Array(CommandLine.arguments.dropFirst())
let commands: [String: (ArraySlice<String>) async throws -> Void] = [
    "demo": DemoCommand.run,
    "inspect": InspectCommand.run,
    "node": NodeCommand.run,
    "join": JoinCommand.run,
]

guard let name = arguments.first, let command = commands[name] else {
    print(
        """
        usage: scatterbrained <command> [options]

        commands:
          demo [--epochs N] [--seed S]   train the quickstart's models locally and report
          inspect <model directory>      print a saved model's architecture and parameters
          node [--discovery lan|loopback] [--namespace NAME] [--secret S] [--epochs N] [--serve-seconds N]
                                         train on diabetes in a namespace, then serve the model
          join [--discovery lan|loopback] [--namespace NAME] [--secret S] [--timeout-seconds N]
                                         join a namespace, download its model, print it and exit
        """)
    exit(arguments.isEmpty || ["-h", "--help", "help"].contains(arguments[0]) ? 0 : 64)
}

do {
    try await command(arguments.dropFirst())
} catch {
    FileHandle.standardError.write(Data("scatterbrained \(name): \(error)\n".utf8))
    exit(1)
}
