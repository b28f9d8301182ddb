import Scatterbrained
import Testing

@Suite struct FederatedTrainingTests {
    /// Four nodes on label-skewed digits shards, fully connected, synchronous FedAvg after every
    /// epoch, against each node trained alone on its shard for the same epochs.
    @Test func federationBeatsTrainingAlone() throws {
        let data = try DigitsFixture(clients: 4, seed: 5)
        let ids = (1...4).map { nodeID(UInt8($0)) }
        let epochs = 20

        var simulation = GossipSimulation(topology: .fullyConnected, members: ids, strategy: .fedAvg)
        let federated = ids.map { _ in DigitsFixture.model() }
        let federatedLoaders = data.loaders()
        for epoch in 1...epochs {
            var locals: [NodeID: ModelState] = [:]
            for (index, id) in ids.enumerated() {
                try DigitsFixture.trainEpoch(federated[index], on: federatedLoaders[index])
                locals[id] = ModelState(
                    ModelParameters(federated[index]), sampleCount: data.clients[index].count, round: epoch, origin: id)
            }
            let merged = try simulation.round(locals)
            for (index, id) in ids.enumerated() { try merged[id]!.parameters.load(into: federated[index]) }
        }

        let alone = ids.map { _ in DigitsFixture.model() }
        for (model, loader) in zip(alone, data.loaders()) {
            for _ in 1...epochs { try DigitsFixture.trainEpoch(model, on: loader) }
        }

        let federatedAccuracy = try federated.map(data.accuracy)
        let aloneAccuracy = try alone.map(data.accuracy)
        let mean = { (values: [Float]) in values.reduce(0, +) / Float(values.count) }
        #expect(
            mean(federatedAccuracy) > mean(aloneAccuracy) + 0.1,
            "federated \(federatedAccuracy), alone \(aloneAccuracy)")
        // FedAvg over a fully connected graph leaves every node with the same model.
        #expect(Set(federatedAccuracy).count == 1)
    }

    /// FedProx's proximal term keeps local training closer to the global weights.
    @Test func fedProxPullsTowardsTheGlobalWeights() throws {
        let data = try DigitsFixture(clients: 2, seed: 9)
        let global = DigitsFixture.model()
        func distanceAfterTraining(mu: Float) throws -> Float {
            let model = DigitsFixture.model()
            let optimizer = FedProxOptimizer(wrapping: SGD(model.parameters, learningRate: 0.05), mu: mu)
            let loader = DataLoader(data.clients[0], batchSize: 32, shuffle: true, seed: 1)
            for _ in 1...3 { _ = try model.trainEpoch(loader, optimizer: optimizer, loss: crossEntropyLoss) }
            let difference = try ModelParameters.weightedSum([
                (ModelParameters(model), 1), (ModelParameters(global), -1),
            ])
            return difference.tensors.reduce(0) { $0 + $1.square().sum().item }
        }
        let plain = try distanceAfterTraining(mu: 0)
        let proximal = try distanceAfterTraining(mu: 1)
        #expect(proximal < plain * 0.8, "distance with mu 1: \(proximal), without: \(plain)")
    }
}
