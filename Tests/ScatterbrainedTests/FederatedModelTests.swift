import Scatterbrained
import Testing

/// A model with no autograd and no Module: one scalar moved towards the mean of its own samples by
/// plain gradient steps on (mean - sample)², the way another framework's training loop would.
final class MeanEstimator: FederatedModel {
    var mean: Float
    let samples: [Float]
    let learningRate: Float = 0.5

    init(start: Float, samples: [Float]) {
        mean = start
        self.samples = samples
    }

    func federatedParameters() -> [String: Tensor] { ["mean": Tensor([mean])] }

    func loadFederatedParameters(_ parameters: [String: Tensor]) throws {
        guard let value = parameters["mean"], value.count == 1 else {
            throw MeanEstimatorError.unexpectedParameters(Array(parameters.keys))
        }
        mean = value.scalars[0]
    }

    nonisolated(nonsending) func trainRound() async throws -> LocalTraining {
        let target = samples.reduce(0, +) / Float(samples.count)
        mean -= learningRate * (mean - target)
        return LocalTraining(sampleCount: samples.count, loss: (mean - target) * (mean - target))
    }
}

enum MeanEstimatorError: Error {
    case unexpectedParameters([String])
}

@Suite("Bring your own model: a FederatedModel over TCP", .timeLimit(.minutes(1)))
struct FederatedModelTests {
    @Test("Two hand-written models joined by name converge to the sample-weighted mean of all data")
    func handWrittenModelsConverge() async throws {
        let name = uniqueNamespace()
        let expected: Float = (2 * 3 + 10 * 9) / 12
        let first = try await Node(Node.Configuration(discovery: .loopback))
        let second = try await Node(Node.Configuration(discovery: .loopback))
        let rounds = 12
        try await first.join(name) { (one: Namespace) async throws -> Void in
            try await second.join(name) { (other: Namespace) async throws -> Void in
                try await waitUntilAcquainted([(one, first.id), (other, second.id)])
                // Each node's model lives in its own task, as it would in its own program.
                async let oneResult = trainEstimator(in: one, samples: [1, 2, 3], rounds: rounds)
                async let otherResult = trainEstimator(
                    in: other, samples: [Float](repeating: 10, count: 9), rounds: rounds)
                let local = try await oneResult
                let remote = try await otherResult
                #expect(local.report.epochs.map(\.mergedWith) == Array(repeating: [second.id], count: rounds))
                #expect(remote.report.epochs.map(\.mergedWith) == Array(repeating: [first.id], count: rounds))
                // Alone, each would end at its own mean (2 and 10); together they meet at the mean of all samples.
                #expect(local.mean == remote.mean)
                #expect(abs(local.mean - expected) < 0.01, "ended at \(local.mean), not \(expected)")
                // The namespaces' own models were not involved.
                #expect(one.version == 0 && other.version == 0)
            }
        }
        await second.shutdown()
        await first.shutdown()
    }
}

/// A model whose one parameter has a name longer than the protocol allows.
final class UnsendableModel: FederatedModel {
    func federatedParameters() -> [String: Tensor] { [String(repeating: "w", count: 2000): Tensor([1])] }
    func loadFederatedParameters(_ parameters: [String: Tensor]) throws {}
    nonisolated(nonsending) func trainRound() async throws -> LocalTraining { LocalTraining(sampleCount: 1) }
}

extension FederatedModelTests {
    @Test("Parameters that cannot travel are refused before the first round, with the reason")
    func unsendableParametersAreRefused() async throws {
        try await Node.run(Node.Configuration(discovery: .disabled)) { node in
            try await node.join(uniqueNamespace()) { (ns: Namespace) async throws -> Void in
                await #expect {
                    try await ns.train(rounds: 1, model: UnsendableModel())
                } throws: { error in
                    guard case NodeError.invalidModel(let reason) = error else { return false }
                    return reason.contains("tensor name")
                }
            }
        }
    }
}

/// What one node's estimator ended with.
private struct EstimatorRun: Sendable {
    var report: TrainingReport
    var mean: Float
}

/// Trains a fresh estimator starting at 0 in `namespace` with synchronous rounds.
private func trainEstimator(in namespace: Namespace, samples: [Float], rounds: Int) async throws -> EstimatorRun {
    let model = MeanEstimator(start: 0, samples: samples)
    let report = try await namespace.train(rounds: rounds, model: model, exchange: .synchronous(timeout: .seconds(5)))
    return EstimatorRun(report: report, mean: model.mean)
}
