import Foundation

// The `scatterbrained` command: a subcommand name, then its options.
let arguments = Array(CommandLine.arguments.dropFirst())
let commands: [String: (ArraySlice<String>) async throws -> Void] = [
    "demo": DemoCommand.run,
    "inspect": InspectCommand.run,
    "node": NodeCommand.run,
    "join": JoinCommand.run,
    "export": ExportCommand.run,
]

guard let name = arguments.first, let command = commands[name] else {
    print(
        """
        usage: scatterbrained <command> [options]

        commands:
          demo [--epochs N] [--seed S]   train the quickstart's models locally and report
          inspect <model directory>      print a saved model's architecture and parameters
          node [node options] [--epochs N] [--serve-seconds N] [training options]
                                         train in a namespace (diabetes by default), then serve the model
          join [node options] [--timeout-seconds N] [--epochs N] [training options]
                                         join a namespace, download its model and print it; then train
                                         it for N epochs (0 by default) and exit
          export [node options] [--timeout-seconds N] <directory>
                                         join a namespace, download its model and save it as
                                         model.json + model.safetensors in the directory

        node options:
          --namespace NAME               the namespace (MyFirstNamespace); --secret S protects it
          --discovery lan|loopback|none  find peers by multicast on the LAN (the default), on this
                                         machine only, or not at all
          --seeds HOST:PORT[,HOST:PORT]  instead of multicast, ask these nodes for the namespace's members
          --host IP, --port P            where to listen (every interface and a free port by default)

        training options:
          --dataset diabetes|digits      the data set and its model (digits: MLP 64-64-10)
          --shard I/N                    train on part I of N of the training split (label-skewed for digits)
          --seed S                       fixes split, shards, initial model and batch order (42)
          --optimizer sgd|adamw          SGD with momentum 0.9 or AdamW; --learning-rate R
          --exchange async|sync|central|local
                                         after every epoch: merge the peers' newest models without
                                         waiting (async, the default), a synchronous FedAvg round
                                         (sync), train from the global model of a node running
                                         --coordinate-rounds (central), or no exchange (local)
          --round-timeout-seconds S      how long a sync round or a central participant waits (10)
          --coordinate-rounds R          node only: be the central authority for R rounds instead of
                                         training; --min-participants N (1)
          --peers N                      wait for N peers before training, --peer-timeout-seconds S (30)
          --epoch-delay-ms M             pause after every epoch, as a slower device would (0)
        """)
    exit(arguments.isEmpty || ["-h", "--help", "help"].contains(arguments[0]) ? 0 : 64)
}

do {
    try await command(arguments.dropFirst())
} catch {
    FileHandle.standardError.write(Data("scatterbrained \(name): \(error)\n".utf8))
    exit(1)
}
