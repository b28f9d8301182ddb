import Scatterbrained
import Testing

@Suite struct SynchronousRoundsTests {
    let alice = nodeID(1)
    let bob = nodeID(2)
    let carol = nodeID(3)

    func machine(strategy: any AggregationStrategy = .mean) -> SynchronousRounds {
        let graph = Topology.fullyConnected.graph(members: [alice, bob, carol])
        return SynchronousRounds(
            node: alice, policy: ExchangePolicy(graph: graph), strategy: strategy, timeout: .seconds(5))
    }

    @Test func startSendsToNeighboursAndWaitsUntilTheDeadline() throws {
        var rounds = machine()
        let actions = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .seconds(10))
        #expect(
            actions == [.send(modelState([0], round: 1, origin: alice), to: [bob, carol]), .wakeUp(at: .seconds(15))])
        #expect(rounds.isCollecting)
    }

    @Test func closesAsSoonAsEveryModelArrived() throws {
        var rounds = machine()
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        #expect(try rounds.receive(modelState([3], round: 1, origin: bob), from: bob).isEmpty)
        let actions = try rounds.receive(modelState([6], round: 1, origin: carol), from: carol)
        #expect(
            actions == [
                .install(modelState([3], round: 1, origin: alice)),
                .event(.modelMerged(round: 1, contributors: [bob, carol])),
            ])
    }

    @Test func timeoutAggregatesWhoeverAnsweredAndLateModelsAreRejected() throws {
        var rounds = machine()
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        _ = try rounds.receive(modelState([4], round: 1, origin: bob), from: bob)
        #expect(try rounds.tick(now: .seconds(4)).isEmpty)
        let closed = try rounds.tick(now: .seconds(5))
        #expect(closed.first == .install(modelState([2], round: 1, origin: alice)))
        #expect(rounds.statistics.timeouts == 1)
        #expect(rounds.statistics.missing == 1)

        let late = try rounds.receive(modelState([9], round: 1, origin: carol), from: carol)
        #expect(late == [.event(.updateRejected(from: carol, reason: .late(round: 1, current: 1)))])
        #expect(rounds.statistics.rejected == 1)
    }

    @Test func aSourceThatSentNothingIsNotWaitedForUntilItSendsAgain() throws {
        var rounds = machine()
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        _ = try rounds.receive(modelState([4], round: 1, origin: bob), from: bob)
        _ = try rounds.tick(now: .seconds(5))
        #expect(rounds.quietSources == [carol])

        // Round 2 closes on Bob's model alone: Carol, silent in round 1, costs no second timeout.
        _ = try rounds.startRound(with: modelState([0], round: 2, origin: alice), now: .seconds(5))
        let closed = try rounds.receive(modelState([2], round: 2, origin: bob), from: bob)
        #expect(closed.last == .event(.modelMerged(round: 2, contributors: [bob])))
        #expect(rounds.statistics.timeouts == 1)

        // Her model, late for round 2, shows she trains: round 3 waits for her again.
        _ = try rounds.receive(modelState([9], round: 2, origin: carol), from: carol)
        #expect(rounds.quietSources.isEmpty)
        _ = try rounds.startRound(with: modelState([0], round: 3, origin: alice), now: .seconds(6))
        #expect(try rounds.receive(modelState([3], round: 3, origin: bob), from: bob).isEmpty)
        let all = try rounds.receive(modelState([6], round: 3, origin: carol), from: carol)
        #expect(all.last == .event(.modelMerged(round: 3, contributors: [bob, carol])))
    }

    @Test func quietSourcesCarryOverToTheNextMachine() throws {
        let graph = Topology.fullyConnected.graph(members: [alice, bob, carol])
        var rounds = SynchronousRounds(
            node: alice, policy: ExchangePolicy(graph: graph), strategy: .mean, timeout: .seconds(5),
            quietSources: [carol])
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        let closed = try rounds.receive(modelState([4], round: 1, origin: bob), from: bob)
        #expect(closed.last == .event(.modelMerged(round: 1, contributors: [bob])))
        #expect(rounds.quietSources == [carol])
    }

    @Test func earlyModelsWaitForTheirRound() throws {
        var rounds = machine()
        #expect(try rounds.receive(modelState([6], round: 1, origin: bob), from: bob).isEmpty)
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        let actions = try rounds.receive(modelState([3], round: 1, origin: carol), from: carol)
        #expect(actions.first == .install(modelState([3], round: 1, origin: alice)))
    }

    @Test func aSourceRunningAheadMeetsEveryRound() throws {
        var rounds = machine()
        // Bob and Carol finished rounds 1 to 3 before Alice started round 1.
        for round in 1...3 {
            for peer in [bob, carol] {
                #expect(try rounds.receive(modelState([Float(round)], round: round, origin: peer), from: peer).isEmpty)
            }
        }
        for round in 1...3 {
            #expect(rounds.roundToStart(after: round - 1) == round)
            let actions = try rounds.startRound(with: modelState([0], round: round, origin: alice), now: .zero)
            #expect(actions.contains(.event(.modelMerged(round: round, contributors: [bob, carol]))))
        }
        #expect(rounds.statistics.timeouts == 0)
    }

    @Test func aLateJoinerLinesUpWithItsPeersRounds() throws {
        var rounds = machine()
        _ = try rounds.receive(modelState([1], round: 15, origin: bob), from: bob)
        _ = try rounds.receive(modelState([1], round: 16, origin: carol), from: carol)
        #expect(rounds.roundToStart(after: 0) == 15)
        let actions = try rounds.startRound(with: modelState([0], round: 15, origin: alice), now: .zero)
        // Carol has moved past round 15, so the round does not wait for her.
        #expect(actions.contains(.event(.modelMerged(round: 15, contributors: [bob]))))
        #expect(rounds.roundToStart(after: 15) == 16)
    }

    @Test func aRoundStopsWaitingForPeersThatMovedOn() throws {
        var rounds = machine()
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        #expect(try rounds.receive(modelState([3], round: 1, origin: bob), from: bob).isEmpty)
        // Carol is at round 7: she will never send round 1.
        let actions = try rounds.receive(modelState([9], round: 7, origin: carol), from: carol)
        #expect(actions.contains(.event(.modelMerged(round: 1, contributors: [bob]))))
        #expect(rounds.statistics.missing == 1)
    }

    @Test func refusesForgedIncompatibleAndDisallowedModels() throws {
        let graph = Topology.directed([(from: bob, to: alice)]).graph(members: [alice, bob, carol])
        var rounds = SynchronousRounds(node: alice, policy: ExchangePolicy(graph: graph), timeout: .seconds(5))
        _ = try rounds.startRound(with: modelState([0], round: 1, origin: alice), now: .zero)
        let forged = try rounds.receive(modelState([1], round: 1, origin: bob), from: carol)
        #expect(forged == [.event(.updateRejected(from: carol, reason: .originMismatch(claimed: bob)))])
        let stranger = try rounds.receive(modelState([1], round: 1, origin: carol), from: carol)
        #expect(stranger == [.event(.updateRejected(from: carol, reason: .notAllowed))])
        let wrongShape = try rounds.receive(modelState([1, 2], round: 1, origin: bob), from: bob)
        #expect(
            wrongShape == [
                .event(.updateRejected(from: bob, reason: .incompatible(.shape(name: "w", expected: [1], got: [2]))))
            ])
        #expect(rounds.statistics.rejected == 3)
    }
}
