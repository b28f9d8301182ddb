import Scatterbrained

/// The options `node` and `join` share about training: the workload, the exchange with peers, and
/// the pacing.
struct TrainingOptions {
    var workload: Workload
    /// How the epochs combine models with the namespace's peers.
    var exchange: Exchange
    /// How many peers to wait for before the first epoch, so that the first rounds include them.
    var peers: Int
    /// How long to wait for them.
    var peerTimeout: Duration
    /// A pause after every epoch, as a slower device would take.
    var epochDelay: Duration
    /// Set when the node is the central authority rather than a trainer.
    var coordination: Coordination?

    /// What `--coordinate-rounds` asks of the central authority.
    struct Coordination {
        var rounds: Int
        var minimumParticipants: Int
        var roundTimeout: Duration
    }

    static let known: Set<String> = [
        "dataset", "shard", "seed", "optimizer", "learning-rate", "exchange", "round-timeout-seconds", "peers",
        "peer-timeout-seconds", "epoch-delay-ms", "coordinate-rounds", "min-participants",
    ]

    init(_ options: Options) throws {
        let seed = UInt64(try options.int("seed", default: 42))
        let shard = try options.string("shard").map(Shard.init(parsing:))
        var optimizer = OptimizerChoice()
        if let name = options.string("optimizer") {
            guard let kind = OptimizerChoice.Kind(rawValue: name) else {
                throw UsageError(description: "--optimizer is sgd or adamw, not '\(name)'")
            }
            optimizer.kind = kind
        }
        if let text = options.string("learning-rate") {
            guard let rate = Float(text), rate > 0, rate.isFinite else {
                throw UsageError(description: "--learning-rate needs a positive number, got '\(text)'")
            }
            optimizer.learningRate = rate
        }
        switch options.string("dataset", default: "diabetes") {
        case "diabetes": workload = try Workload.diabetes(seed: seed, shard: shard, optimizer: optimizer)
        case "digits": workload = try Workload.digits(seed: seed, shard: shard, optimizer: optimizer)
        case let other: throw UsageError(description: "--dataset is diabetes or digits, not '\(other)'")
        }
        let roundTimeout = Duration.seconds(try options.int("round-timeout-seconds", default: 10))
        switch options.string("exchange", default: "async") {
        case "async": exchange = .asynchronous()
        case "sync": exchange = .synchronous(timeout: roundTimeout)
        case "central": exchange = .central(timeout: roundTimeout)
        case "local": exchange = .local
        case let other: throw UsageError(description: "--exchange is async, sync, central or local, not '\(other)'")
        }
        if options.string("coordinate-rounds") != nil {
            let rounds = try options.int("coordinate-rounds", default: 1)
            let minimum = try options.int("min-participants", default: 1)
            guard rounds >= 1, minimum >= 1 else {
                throw UsageError(description: "--coordinate-rounds and --min-participants need at least 1")
            }
            coordination = Coordination(rounds: rounds, minimumParticipants: minimum, roundTimeout: roundTimeout)
        }
        peers = try options.int("peers", default: 0)
        peerTimeout = .seconds(try options.int("peer-timeout-seconds", default: 30))
        epochDelay = .milliseconds(try options.int("epoch-delay-ms", default: 0))
    }
}

/// A command-line run that could not go on, with the reason to print.
struct RunError: Error, CustomStringConvertible {
    let description: String
}

extension TrainingOptions {
    /// Waits for the peers asked for, then trains `epochs` epochs, one `train` call each (so that the
    /// pause and the line of every epoch come between them), printing an `epoch` line after each.
    ///
    /// - Throws: ``RunError`` when the peers do not show up in time, or what training throws.
    func train(_ ns: Namespace, epochs: Int) async throws {
        try await waitForPeers(ns)
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let report = try await ns.train(
                epochs: 1, train: workload.train, validation: workload.validation, loss: workload.loss,
                exchange: exchange)
            guard let last = report.epochs.last else { continue }
            var line = NodeReport(last)
            line.epoch = epoch
            line.seconds = report.duration.seconds
            line.pushes = report.pushes
            line.write()
            if epochDelay > .zero { try await Task.sleep(for: epochDelay) }
        }
    }

    /// Waits for the peers asked for, then coordinates the rounds as the central authority, printing
    /// a `round` line (with the participants merged) as each closes.
    func coordinate(_ ns: Namespace, _ coordination: Coordination) async throws {
        try await waitForPeers(ns)
        let report = try await ns.coordinate(
            rounds: coordination.rounds, minimumParticipants: coordination.minimumParticipants,
            roundTimeout: coordination.roundTimeout)
        for round in report.rounds {
            var line = NodeReport(type: "round")
            line.round = round.round
            line.contributors = round.contributors.map(\.description)
            line.version = round.modelVersion
            line.write()
        }
        var summary = NodeReport(type: "coordinated")
        summary.seconds = report.duration.seconds
        summary.pushes = report.pushes
        summary.write()
    }

    private func waitForPeers(_ ns: Namespace) async throws {
        guard peers > 0 else { return }
        let start = ContinuousClock.now
        while ns.peers.count < peers {
            guard ContinuousClock.now - start < peerTimeout else {
                throw RunError(
                    description: "found \(ns.peers.count) of the \(peers) peers asked for in \(peerTimeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
