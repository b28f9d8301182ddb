import Scatterbrained
import Testing

@Suite struct ModelParametersTests {
    let alice = nodeID(1)
    let bob = nodeID(2)
    let carol = nodeID(3)

    @Test func weightedSumMatchesHandComputation() throws {
        let a = try ModelParameters([("w", Tensor([1, 2])), ("b", Tensor([10]))])
        let b = try ModelParameters([("w", Tensor([3, 6])), ("b", Tensor([20]))])
        let sum = try ModelParameters.weightedSum([(a, 0.25), (b, 0.75)])
        #expect(sum.names == ["w", "b"])
        #expect(sum["w"]!.scalars == [2.5, 5])
        #expect(sum["b"]!.scalars == [17.5])
    }

    @Test func shapeMismatchNamesTheParameter() throws {
        let a = try ModelParameters([("w", Tensor([1, 2])), ("b", Tensor([10]))])
        let b = try ModelParameters([("w", Tensor([1, 2])), ("b", Tensor([10, 11]))])
        #expect(throws: AggregationError.incompatible(term: 1, .shape(name: "b", expected: [1], got: [2]))) {
            try ModelParameters.weightedSum([(a, 0.5), (b, 0.5)])
        }
        let missing = try ModelParameters([("w", Tensor([1, 2]))])
        #expect(throws: ParameterMismatch.missing("b")) { try a.checkCompatible(with: missing) }
        #expect(throws: ParameterMismatch.unexpected("b")) { try missing.checkCompatible(with: a) }
        #expect(throws: ParameterMismatch.duplicate("w")) {
            try ModelParameters([("w", Tensor([1])), ("w", Tensor([2]))])
        }
    }

    @Test func fedAvgWeighsBySamplesAndMeanDoesNot() throws {
        let models = [
            modelState([0, 4], samples: 1, origin: alice),
            modelState([4, 8], samples: 3, origin: bob),
        ]
        let context = AggregationContext(
            node: alice, round: 1, graph: Topology.fullyConnected.graph(members: [alice, bob]))
        #expect(try FedAvg().aggregate(models, context: context)["w"]!.scalars == [3, 7])
        #expect(try MeanAggregation().aggregate(models, context: context)["w"]!.scalars == [2, 6])
    }

    @Test func fedAvgReportsTheIncompatibleNode() throws {
        let models = [modelState([1, 2], origin: alice), modelState([1, 2, 3], origin: bob)]
        let context = AggregationContext(node: alice, round: 1, graph: Topology.fullyConnected.graph(members: [alice]))
        #expect(throws: AggregationError.incompatibleModel(from: bob, .shape(name: "w", expected: [2], got: [3]))) {
            try FedAvg().aggregate(models, context: context)
        }
        #expect(throws: AggregationError.zeroTotalWeight) {
            try FedAvg().aggregate([modelState([1], samples: 0, origin: alice)], context: context)
        }
    }

    @Test func stalenessDiscountsOlderModels() throws {
        let context = AggregationContext(node: alice, round: 3, graph: Topology.fullyConnected.graph(members: [alice]))
        // Bob's model is 3 rounds old: weight 4^-0.5 = 0.5 against Alice's 1.
        let models = [modelState([0], round: 3, origin: alice), modelState([3], round: 0, origin: bob)]
        let weights = StalenessWeightedAverage(exponent: 0.5).weights(for: models, context: context)
        #expect(weights == [1, 0.5])
        #expect(try StalenessWeightedAverage().aggregate(models, context: context)["w"]!.scalars == [1])
    }
}
