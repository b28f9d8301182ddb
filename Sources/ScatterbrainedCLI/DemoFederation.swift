import Foundation
import Scatterbrained

/// The demo's second part: the quickstart's steps 2 and 3 between two nodes in this process, with
/// discovery confined to loopback so that the demo sends nothing onto the network.
enum DemoFederation {
    static func run(seed: UInt64) async throws {
        print("\nsteps 2 and 3 of the quickstart: a namespace trains and serves, another node joins and syncs\n")
        let (trainSet, validSet) = try Datasets.diabetes().split(testFraction: 0.2, seed: seed)
        let trainLoader = DataLoader(trainSet, batchSize: 32, shuffle: true, seed: seed)
        let validLoader = DataLoader(validSet, batchSize: 32, shuffle: true, seed: seed)
        let model = Linear(10, 1)
        let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters, learningRate: 0.5, weightDecay: 0) }
        // A name of its own, so that demos running side by side on one machine do not meet.
        let name = "demo-\(ProcessInfo.processInfo.processIdentifier)"
        let configuration = Node.Configuration(discovery: .loopback)

        try await Node.run(configuration) { source in
            try await source.namespace(name, model: model, optimizer: createOptimizer) { served in
                let report = try await served.train(epochs: 50, train: trainLoader, validation: validLoader)
                let mse = report.epochs.last?.validation?.loss ?? .nan
                print("  node \(source.address): 50 epochs, validation MSE \(String(format: "%.4g", Double(mse)))")
                let clock = ContinuousClock()
                var version: UInt64 = 0
                let elapsed = try await clock.measure {
                    version = try await Node.run(configuration) { joiner in
                        try await joiner.join(name) { joined in
                            let version = try await joined.syncModel(timeout: .seconds(10))
                            let identical = withNoGrad {
                                joined.model?(validSet.features) == served.model?(validSet.features)
                            }
                            print("  node \(joiner.address) joined '\(name)': predictions identical: \(identical)")
                            return version
                        }
                    }
                }
                let time = String(format: "%.2f s", elapsed.seconds)
                print("  downloaded model version \(version) in \(time), including discovery")
            }
        }
    }
}
