import Foundation
import Scatterbrained
import Synchronization

/// Workload D of shared/bench/WORKLOADS.md (FedAvg on digits) and its variant D100, on exactly the
/// data splits the PyTorch and Flower reference runs used.
///
/// Two measurements of the same federation:
/// - **in process**: a plain loop, the computation the PyTorch reference loop does: each round every
///   client loads the global weights, trains one epoch of SGD, and the library's ``FedAvg`` averages
///   the updates weighted by sample counts;
/// - **over the network**: one ``Node`` per client plus an authority node in this process, all with
///   loopback-only discovery, the authority running `coordinate(rounds:minimumParticipants:...)` and
///   each client `train(epochs:train:exchange: .central())`. Timed from before the first node starts
///   (so start-up and discovery count, as in Flower's start-to-finish figure) to the last node's end.
///
/// ```sh
/// sb-bench federation --repeats 5 [--data digits.csv] [--partitions digits-partitions.json] [--no-d100-network]
/// ```
///
/// The data paths default to the workspace's shared folder next to the repository, relative to the
/// current directory (the package root, where `swift run` is invoked).
enum FederationBenchmarks {
    /// The rounds after which test accuracy is reported, as in WORKLOADS.md.
    private static let checkpoints = [1, 5, 10, 20, 30]
    private static let learningRate: Float = 0.05
    private static let batchSize = 32
    /// Generous: a round's updates come in milliseconds; a timeout would show as a slow round.
    private static let roundTimeout = Duration.seconds(30)
    /// The longest a networked run may take before it counts as stalled.
    private static let runDeadline = Duration.seconds(300)

    static func run(repeats: Int) throws -> [String: Any] {
        let arguments = CommandLine.arguments
        let data = try FederationData.load(
            csv: option("--data", in: arguments) ?? "../shared/data/digits.csv",
            partitions: option("--partitions", in: arguments) ?? "../shared/bench/digits-partitions.json")
        var report: [String: Any] = [
            "bundled_digits_match_csv": data.bundledMatches,
            "clients_10_samples": data.clients10.map(\.count),
            "test_samples": data.test.count,
        ]
        report["D"] = try workload(
            clients: data.clients10, test: data.test, rounds: 30, repeats: repeats, network: true)
        report["D100"] = try workload(
            clients: data.clients100, test: data.test, rounds: 10, repeats: repeats,
            network: !arguments.contains("--no-d100-network"))
        report["load_average"] = Machine.loadAverage()
        return report
    }

    /// Runs the in-process loop and (if `network`) the networked federation alternately, `repeats`
    /// times each, run `r` seeded with `r` on both sides so that both train the same model.
    private static func workload(
        clients: [TensorDataset], test: TensorDataset, rounds: Int, repeats: Int, network: Bool
    ) throws -> [String: Any] {
        var loops: [FederationRun] = []
        var networked: [FederationRun] = []
        for run in 0..<repeats {
            let seed = UInt64(run)
            loops.append(try inProcess(clients: clients, test: test, rounds: rounds, seed: seed))
            if network {
                networked.append(
                    try Measurement.blocking {
                        try await overNetwork(clients: clients, test: test, rounds: rounds, seed: seed)
                    })
            }
        }
        var figures: [String: Any] = [
            "clients": clients.count, "rounds": rounds, "in_process": summary(loops, rounds: rounds),
        ]
        if network {
            var summarized = summary(networked, rounds: rounds)
            // Same seeds, same data order, same arithmetic: only the order of the FedAvg sum differs.
            let gaps = zip(loops, networked).flatMap { loop, net in
                net.accuracy.compactMap { round, accuracy in loop.accuracy[round].map { abs($0 - accuracy) } }
            }
            summarized["max_accuracy_gap_to_in_process"] = Measurement.rounded(gaps.max() ?? .nan, places: 4)
            figures["network"] = summarized
        }
        return figures
    }

    /// The model every run starts from: the same weights for a given seed, in every node.
    private static func makeModel(seed: UInt64) -> Module {
        GlobalRandom.withSeed(seed) { Sequential(Linear(64, 64), ReLU(), Linear(64, 10)) }
    }

    /// Client `index`'s loader: shuffled like the reference's, with a seed that both measurements
    /// share, so each client sees its samples in the same order in both.
    private static func loader(_ dataset: TensorDataset, client index: Int, seed: UInt64) -> DataLoader {
        DataLoader(dataset, batchSize: batchSize, shuffle: true, seed: seed &* 1_000_003 &+ UInt64(index))
    }

    private static func testAccuracy(_ model: Module, _ test: TensorDataset) throws -> Double {
        Double(try model.evaluate(DataLoader(test, batchSize: test.count), loss: crossEntropyLoss).accuracy ?? .nan)
    }

    /// (a) FedAvg as a plain loop. Evaluation at the checkpoints is left out of the times.
    private static func inProcess(clients: [TensorDataset], test: TensorDataset, rounds: Int, seed: UInt64) throws
        -> FederationRun
    {
        let loaders = clients.indices.map { loader(clients[$0], client: $0, seed: seed) }
        let worker = makeModel(seed: seed)
        let evaluator = makeModel(seed: seed)
        var global = ModelParameters(worker)
        // Only FedAvg's weights matter here; the ids and graph are what the authority would pass.
        let ids = clients.map { _ in NodeID.random() }
        let authority = NodeID.random()
        let context = AggregationContext(
            node: authority, round: 0, graph: Topology.star(centre: authority).graph(members: ids + [authority]))
        var run = FederationRun()
        var trainingSeconds: Double = 0
        for round in 1...rounds {
            let start = ContinuousClock.now
            var updates: [ModelState] = []
            for (client, loader) in loaders.enumerated() {
                try global.load(into: worker)
                let optimizer = SGD(worker.parameters, learningRate: learningRate)
                _ = try worker.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss)
                updates.append(
                    ModelState(
                        ModelParameters(worker), sampleCount: loader.datasetCount, round: round - 1,
                        origin: ids[client]))
            }
            global = try FedAvg().aggregate(updates, context: context)
            let seconds = Measurement.seconds(of: ContinuousClock.now - start)
            trainingSeconds += seconds
            if round == 1 {
                run.firstRoundSeconds = seconds
            } else {
                run.slowestLaterRoundSeconds = max(run.slowestLaterRoundSeconds, seconds)
            }
            if checkpoints.contains(round) || round == rounds {
                try global.load(into: evaluator)
                run.accuracy[round] = try testAccuracy(evaluator, test)
            }
        }
        run.totalSeconds = trainingSeconds
        run.laterRoundSeconds = rounds > 1 ? (trainingSeconds - run.firstRoundSeconds) / Double(rounds - 1) : .nan
        return run
    }

    /// What one node of the networked federation returns.
    private enum NodeOutcome: Sendable {
        case authority(CoordinationReport, roundClosed: [Int: ContinuousClock.Instant])
        case client(TrainingReport)
    }

    /// (b) The same federation over the real network stack: an authority node and one node per client,
    /// all in this process, with loopback-only discovery.
    ///
    /// Client 0 evaluates on the test set after every epoch, which in central mode is the global model
    /// of that round; the authority timestamps each round's aggregation from its event stream.
    private static func overNetwork(clients: [TensorDataset], test: TensorDataset, rounds: Int, seed: UInt64)
        async throws -> FederationRun
    {
        // A fresh name per run: nodes of an earlier run, or of anyone else's test on this machine, stay out.
        let name = "sb-bench-fedavg-\(UInt32.random(in: .min ... .max))"
        let configuration = Node.Configuration(discovery: .loopback)
        let optimizer: OptimizerFactory = { SGD($0.parameters, learningRate: learningRate) }
        let participants = clients.count
        let start = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: NodeOutcome?.self) { group in
            // A run that stalls fails instead of hanging the benchmark (see `waitForPeers`).
            group.addTask {
                try await Task.sleep(for: runDeadline)
                throw BenchmarkError.setup("the networked federation did not finish within \(runDeadline)")
            }
            group.addTask {
                try await Node.run(configuration) { node in
                    try await node.namespace(name, model: makeModel(seed: seed), optimizer: optimizer) { ns in
                        let events = ns.events
                        let watcher = Task {
                            var closed: [Int: ContinuousClock.Instant] = [:]
                            for await event in events {
                                guard case .modelMerged(let round, _) = event else { continue }
                                closed[round] = .now
                                if round == rounds { break }
                            }
                            return closed
                        }
                        let report = try await ns.coordinate(
                            rounds: rounds, minimumParticipants: participants, roundTimeout: roundTimeout)
                        return .authority(report, roundClosed: await watcher.value)
                    }
                }
            }
            for (index, dataset) in clients.enumerated() {
                let trainLoader = loader(dataset, client: index, seed: seed)
                let validation = index == 0 ? DataLoader(test, batchSize: test.count) : nil
                group.addTask {
                    try await Node.run(configuration) { node in
                        try await node.namespace(name, model: makeModel(seed: seed), optimizer: optimizer) { ns in
                            try await waitForPeers(ns, count: participants)
                            return .client(
                                try await ns.train(
                                    epochs: rounds, train: trainLoader, validation: validation,
                                    loss: crossEntropyLoss, exchange: .central(timeout: roundTimeout)))
                        }
                    }
                }
            }
            var finished: [NodeOutcome] = []
            while finished.count < participants + 1, let outcome = try await group.next() {
                if let outcome { finished.append(outcome) }
            }
            group.cancelAll()
            return finished
        }
        let seconds = Measurement.seconds(of: ContinuousClock.now - start)

        var run = FederationRun()
        run.totalSeconds = seconds
        for case .authority(let report, let closed) in outcomes {
            let missing = report.rounds.filter { $0.contributors.count != participants }.map(\.round)
            guard missing.isEmpty else {
                throw BenchmarkError.setup("rounds \(missing) aggregated fewer than \(participants) clients")
            }
            if let first = closed[1], let last = closed[rounds] {
                run.firstRoundSeconds = Measurement.seconds(of: first - start)
                run.laterRoundSeconds = rounds > 1 ? Measurement.seconds(of: last - first) / Double(rounds - 1) : .nan
            }
            run.slowestLaterRoundSeconds =
                (1..<rounds).compactMap { round in
                    closed[round].flatMap { from in closed[round + 1].map { Measurement.seconds(of: $0 - from) } }
                }.max() ?? .nan
        }
        // The first client is the one that evaluated.
        for case .client(let report) in outcomes where report.epochs.first?.validation != nil {
            for epoch in report.epochs where checkpoints.contains(epoch.epoch) || epoch.epoch == rounds {
                run.accuracy[epoch.epoch] = epoch.validation?.accuracy.map(Double.init)
            }
        }
        return run
    }

    /// Waits until `ns` sees `count` peers: the authority and every other client.
    ///
    /// A participant whose membership does not list the authority yet drops its update unsent (the
    /// library sends only to known peers), waits the whole exchange timeout, and from then on lags the
    /// authority by one round, so that the authority's last round never completes. Starting to train
    /// only once discovery is complete avoids that; the wait counts in the start-to-finish time.
    private static func waitForPeers(_ ns: Namespace, count: Int) async throws {
        let limit = ContinuousClock.now + roundTimeout
        while ns.peers.count < count {
            guard ContinuousClock.now < limit else {
                throw BenchmarkError.setup("a client saw \(ns.peers.count) of \(count) peers after \(roundTimeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private static func summary(_ runs: [FederationRun], rounds: Int) -> [String: Any] {
        let rounded = { (values: [Double]) in values.map { Measurement.rounded($0, places: 4) } }
        var accuracy: [String: Any] = [:]
        for round in runs.first?.accuracy.keys.sorted() ?? [] {
            let values = runs.compactMap { $0.accuracy[round] }
            accuracy["\(round)"] = [
                "median": Measurement.rounded(Measurement.median(values), places: 4),
                "runs": rounded(values),
            ]
        }
        return [
            "test_accuracy_after_round": accuracy,
            "total_s": Measurement.rounded(Measurement.median(runs.map(\.totalSeconds)), places: 4),
            "total_runs_s": rounded(runs.map(\.totalSeconds)),
            "per_round_s": Measurement.rounded(
                Measurement.median(runs.map { $0.totalSeconds / Double(rounds) }), places: 4),
            "first_round_s": Measurement.rounded(Measurement.median(runs.map(\.firstRoundSeconds)), places: 4),
            "per_round_after_first_s": Measurement.rounded(
                Measurement.median(runs.map(\.laterRoundSeconds)), places: 4),
            "per_round_after_first_runs_s": rounded(runs.map(\.laterRoundSeconds)),
            "slowest_round_after_first_s": Measurement.rounded(
                runs.map(\.slowestLaterRoundSeconds).max() ?? .nan, places: 4),
        ]
    }

    private static func option(_ flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }

}

/// The figures of one federation run.
private struct FederationRun: Sendable {
    /// Test accuracy of the global model after each reported round.
    var accuracy: [Int: Double] = [:]
    /// In process: the rounds' time; over the network: start-up to the last node's end.
    var totalSeconds: Double = .nan
    /// In process: round 1; over the network: start-up to round 1's aggregation.
    var firstRoundSeconds: Double = .nan
    /// The mean time of the rounds after the first.
    var laterRoundSeconds: Double = .nan
    /// The longest round after the first: a round closed by its timeout rather than by the last
    /// update would stand out here.
    var slowestLaterRoundSeconds: Double = 0
}

/// Workload D's data: digits.csv rows picked by the reference runs' row numbers, pixels / 16.
private struct FederationData {
    let test: TensorDataset
    let clients10: [TensorDataset]
    let clients100: [TensorDataset]
    /// Whether the package's bundled `Datasets.digits()` holds the same rows, in the same order, as the CSV.
    let bundledMatches: Bool

    /// The row lists of digits-partitions.json.
    private struct Partitions: Decodable {
        let testRows: [Int]
        let trainRows: [Int]
        let clients10: [[Int]]
        let clients100: [[Int]]

        enum CodingKeys: String, CodingKey {
            case testRows = "test_rows"
            case trainRows = "train_rows"
            case clients10 = "clients_10"
            case clients100 = "clients_100"
        }
    }

    /// Reads both files, checking that the partitions cover the training rows exactly once each.
    ///
    /// - Throws: ``BenchmarkError/setup(_:)`` naming a missing or inconsistent file.
    static func load(csv: String, partitions: String) throws -> FederationData {
        for path in [csv, partitions] where !FileManager.default.fileExists(atPath: path) {
            throw BenchmarkError.setup(
                "\(path) not found: pass --data <digits.csv> and --partitions <digits-partitions.json> "
                    + "(shared/data and shared/bench of the workspace)")
        }
        let table = try CSV.load(contentsOf: URL(filePath: csv))
        let digits = TensorDataset(features: table.features / 16, targets: try table.targets.reshaped([table.count]))
        let bundled = try Datasets.digits()
        let rows: Partitions
        do {
            rows = try JSONDecoder().decode(Partitions.self, from: Data(contentsOf: URL(filePath: partitions)))
        } catch {
            throw BenchmarkError.setup("cannot read \(partitions): \(error)")
        }
        let all = rows.testRows + rows.trainRows
        guard all.allSatisfy({ (0..<digits.count).contains($0) }), Set(all).count == digits.count else {
            throw BenchmarkError.setup(
                "\(partitions): test_rows and train_rows do not split the \(digits.count) rows of \(csv)")
        }
        for clients in [rows.clients10, rows.clients100] {
            let flat = clients.flatMap { $0 }
            guard flat.count == rows.trainRows.count, Set(flat) == Set(rows.trainRows) else {
                throw BenchmarkError.setup("\(partitions): a client partition does not cover train_rows exactly once")
            }
        }
        return FederationData(
            test: digits.subset(rows.testRows),
            clients10: digits.partitioned(rows.clients10),
            clients100: digits.partitioned(rows.clients100),
            bundledMatches: bundled.features == table.features && bundled.targets == digits.targets)
    }
}
