import Scatterbrained
import Testing

@Suite struct AsynchronousMergingTests {
    let alice = nodeID(1)
    let bob = nodeID(2)
    let carol = nodeID(3)

    func machine(topology: Topology = .fullyConnected, strategy: any AggregationStrategy = .mean)
        -> AsynchronousMerging
    {
        let graph = topology.graph(members: [alice, bob, carol])
        return AsynchronousMerging(node: alice, policy: ExchangePolicy(graph: graph), strategy: strategy)
    }

    @Test func mergesTheNewestModelOfEachPeerAndSendsItsOwn() throws {
        var merging = machine()
        #expect(merging.receive(modelState([10], round: 1, origin: bob), from: bob).isEmpty)
        #expect(merging.receive(modelState([4], round: 2, origin: bob), from: bob).isEmpty)
        #expect(merging.receive(modelState([8], round: 1, origin: carol), from: carol).isEmpty)
        let actions = try merging.merge(try ModelParameters([("w", Tensor([0]))]), sampleCount: 1)
        // The round follows the newest peer model; Bob's older model was replaced by his newer one.
        #expect(merging.round == 2)
        #expect(
            actions == [
                .send(modelState([0], round: 2, origin: alice), to: [bob, carol]),
                .install(modelState([4], round: 2, origin: alice)),
                .event(.modelMerged(round: 2, contributors: [bob, carol])),
            ])
    }

    @Test func nothingFreshMeansNoMergeAndNoWait() throws {
        var merging = machine()
        let actions = try merging.merge(try ModelParameters([("w", Tensor([5]))]), sampleCount: 1)
        #expect(actions == [.send(modelState([5], round: 1, origin: alice), to: [bob, carol])])
        #expect(merging.statistics.merges == 0)
    }

    @Test func aModelIsMergedOnceAndOlderOnesAreRefused() throws {
        var merging = machine()
        _ = merging.receive(modelState([2], round: 3, origin: bob), from: bob)
        _ = try merging.merge(try ModelParameters([("w", Tensor([0]))]), sampleCount: 1)
        let repeated = merging.receive(modelState([2], round: 3, origin: bob), from: bob)
        #expect(repeated == [.event(.updateRejected(from: bob, reason: .duplicate(round: 3)))])
        let older = merging.receive(modelState([2], round: 2, origin: bob), from: bob)
        #expect(older == [.event(.updateRejected(from: bob, reason: .duplicate(round: 3)))])
        #expect(merging.statistics.rejected == 2)
    }

    @Test func staleModelsPullLess() throws {
        var merging = AsynchronousMerging(
            node: alice, policy: ExchangePolicy(graph: Topology.fullyConnected.graph(members: [alice, bob, carol])),
            round: 9)
        _ = merging.receive(modelState([30], samples: 1, round: 10, origin: bob), from: bob)
        _ = merging.receive(modelState([30], samples: 1, round: 2, origin: carol), from: carol)
        let actions = try merging.merge(try ModelParameters([("w", Tensor([0]))]), sampleCount: 1)
        // Round 10: Bob and Alice are fresh (weight 1), Carol is 8 rounds stale (weight 1/3).
        let installed = try #require(
            actions.lazy.compactMap { action -> ModelState? in
                if case .install(let model) = action { model } else { nil }
            }.first)
        #expect(abs(installed.parameters["w"]!.scalars[0] - (30 + 10) / (1 + 1 + 1.0 / 3)) < 1e-4)
    }

    @Test func theTopologyAndFilterDecideWhoIsHeard() throws {
        let graph = Topology.directed([(from: bob, to: alice)]).graph(members: [alice, bob, carol])
        var merging = AsynchronousMerging(
            node: alice, policy: ExchangePolicy(graph: graph, filter: .denying([bob])), strategy: .mean)
        #expect(
            merging.receive(modelState([1], round: 1, origin: carol), from: carol)
                == [.event(.updateRejected(from: carol, reason: .notAllowed))])
        #expect(
            merging.receive(modelState([1], round: 1, origin: bob), from: bob)
                == [.event(.updateRejected(from: bob, reason: .notAllowed))])
        #expect(
            merging.receive(modelState([1], round: 1, origin: carol), from: bob)
                == [.event(.updateRejected(from: bob, reason: .originMismatch(claimed: carol)))])
        merging.updatePolicy(ExchangePolicy(graph: graph))
        #expect(merging.receive(modelState([1], round: 1, origin: bob), from: bob).isEmpty)
        let actions = try merging.merge(try ModelParameters([("w", Tensor([0]))]), sampleCount: 1)
        // Alice has no out-neighbours: nothing is sent.
        #expect(actions.first == .install(modelState([0.5], round: 1, origin: alice)))
    }

    @Test func anIncompatibleModelIsRefusedAtTheMerge() throws {
        var merging = machine()
        let wrongShape = ModelState(
            try ModelParameters([("w", Tensor([1, 2]))]), sampleCount: 1, round: 1, origin: bob)
        _ = merging.receive(wrongShape, from: bob)
        let actions = try merging.merge(try ModelParameters([("w", Tensor([0]))]), sampleCount: 1)
        #expect(actions.count == 2)
        guard case .event(.updateRejected(let sender, .incompatible)) = actions[1] else {
            Issue.record("expected the incompatible model to be refused, got \(actions)")
            return
        }
        #expect(sender == bob)
    }
}
