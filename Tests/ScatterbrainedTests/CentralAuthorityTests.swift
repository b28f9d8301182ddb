import Scatterbrained
import Testing

@Suite struct CentralAuthorityTests {
    let authorityID = nodeID(0)
    let alice = nodeID(1)
    let bob = nodeID(2)

    func authority(minimum: Int) -> CentralAuthority {
        CentralAuthority(
            node: authorityID, global: modelState([0], round: 0, origin: authorityID), minimumParticipants: minimum,
            roundTimeout: .seconds(10))
    }

    @Test func closesWhenEveryParticipantReported() throws {
        var server = authority(minimum: 1)
        _ = server.participantJoined(alice, now: .zero)
        _ = server.participantJoined(bob, now: .zero)
        #expect(
            try server.receive(modelState([2], samples: 1, round: 0, origin: alice), from: alice, now: .zero).isEmpty)
        let actions = try server.receive(
            modelState([6], samples: 3, round: 0, origin: bob), from: bob, now: .seconds(1))
        let global = modelState([5], samples: 4, round: 1, origin: authorityID)
        #expect(
            actions == [
                .event(.modelMerged(round: 1, contributors: [alice, bob])), .publish(global, to: [alice, bob]),
                .wakeUp(at: .seconds(11)),
            ])
        let late = try server.receive(modelState([1], round: 0, origin: alice), from: alice, now: .seconds(2))
        #expect(late == [.event(.updateRejected(from: alice, reason: .late(round: 0, current: 1)))])
    }

    @Test func deadlineAggregatesOnlyWithTheMinimum() throws {
        var server = authority(minimum: 2)
        _ = server.participantJoined(alice, now: .zero)
        _ = server.participantJoined(bob, now: .zero)
        _ = server.participantJoined(nodeID(3), now: .zero)
        _ = try server.receive(modelState([2], round: 0, origin: alice), from: alice, now: .zero)
        // One update of the two required: the deadline moves on instead of aggregating.
        #expect(try server.tick(now: .seconds(10)) == [.wakeUp(at: .seconds(20))])
        _ = try server.receive(modelState([4], round: 0, origin: bob), from: bob, now: .seconds(11))
        let closed = try server.tick(now: .seconds(20))
        #expect(closed.first == .event(.modelMerged(round: 1, contributors: [alice, bob])))
        #expect(server.global.parameters["w"]!.scalars == [3])
        #expect(server.statistics.missing == 1)
    }

    @Test func aParticipantThatSentNothingIsNotWaitedForUntilItSendsAgain() throws {
        var server = authority(minimum: 1)
        _ = server.participantJoined(alice, now: .zero)
        _ = server.participantJoined(bob, now: .zero)
        _ = try server.receive(modelState([2], round: 0, origin: alice), from: alice, now: .zero)
        _ = try server.tick(now: .seconds(10))
        #expect(server.quietParticipants == [bob])

        // Round 1 closes on Alice's update alone: Bob, silent in round 0, costs no second timeout.
        let closed = try server.receive(modelState([4], round: 1, origin: alice), from: alice, now: .seconds(11))
        #expect(closed.first == .event(.modelMerged(round: 2, contributors: [alice])))
        #expect(server.statistics.timeouts == 1)

        // His update, late for round 1, shows he trains: round 2 waits for him again.
        _ = try server.receive(modelState([9], round: 1, origin: bob), from: bob, now: .seconds(12))
        #expect(server.quietParticipants.isEmpty)
        #expect(try server.receive(modelState([1], round: 2, origin: alice), from: alice, now: .seconds(13)).isEmpty)
        let both = try server.receive(modelState([3], round: 2, origin: bob), from: bob, now: .seconds(14))
        #expect(both.first == .event(.modelMerged(round: 3, contributors: [alice, bob])))
    }

    @Test func participantTrainsOnlyNewerGlobalsFromItsAuthority() {
        var participant = CentralParticipant(node: alice, authority: authorityID)
        let global = modelState([1], round: 1, origin: authorityID)
        #expect(participant.receiveGlobal(global, from: authorityID) == [.train(global)])
        #expect(participant.receiveGlobal(global, from: authorityID).count == 1)
        #expect(participant.statistics.rejected == 1)
        let forged = participant.receiveGlobal(modelState([1], round: 2, origin: bob), from: bob)
        #expect(forged == [.event(.updateRejected(from: bob, reason: .notAllowed))])
        let update = try! ModelParameters([("w", Tensor([7]))])
        #expect(
            participant.finishedTraining(update, sampleCount: 5) == [
                .send(ModelState(update, sampleCount: 5, round: 1, origin: alice), to: authorityID)
            ])
    }

    /// The state machines wired together in one process with no network match a plain FedAvg loop.
    @Test func matchesAnInProcessFedAvgReference() throws {
        let data = try DigitsFixture(clients: 3, seed: 3)
        let rounds = 2

        // The reference: every round, each client trains from the global weights; the new global
        // model is the sample-weighted mean, computed here by hand.
        var reference = DigitsFixture.model().stateDict()
        let referenceLoaders = data.loaders()
        for _ in 0..<rounds {
            var updates: [[String: Tensor]] = []
            for loader in referenceLoaders {
                let client = DigitsFixture.model(seed: 99)
                try client.loadStateDict(reference)
                try DigitsFixture.trainEpoch(client, on: loader)
                updates.append(client.stateDict())
            }
            let total = Float(data.clients.reduce(0) { $0 + $1.count })
            reference = reference.mapValues { _ in Tensor([]) }
            for name in reference.keys {
                let shape = updates[0][name]!.shape
                var sum = [Float](repeating: 0, count: updates[0][name]!.count)
                for (update, client) in zip(updates, data.clients) {
                    for (index, value) in update[name]!.scalars.enumerated() {
                        sum[index] += Float(client.count) / total * value
                    }
                }
                reference[name] = try Tensor(shape: shape, scalars: sum)
            }
        }

        // The same rounds through CentralAuthority and CentralParticipant.
        let ids = (1...data.clients.count).map { nodeID(UInt8($0)) }
        let global = ModelState(ModelParameters(DigitsFixture.model()), sampleCount: 0, round: 0, origin: authorityID)
        var server = CentralAuthority(
            node: authorityID, global: global, minimumParticipants: ids.count, roundTimeout: .seconds(60))
        var participants = ids.map { CentralParticipant(node: $0, authority: authorityID) }
        let models = ids.map { _ in DigitsFixture.model(seed: 99) }
        let loaders = data.loaders()
        var inbox: [CentralAuthority.Action] = ids.flatMap { server.participantJoined($0, now: .zero) }
        while server.global.round < rounds, !inbox.isEmpty {
            guard case .publish(let model, let recipients) = inbox.removeFirst() else { continue }
            for recipient in recipients {
                let index = ids.firstIndex(of: recipient)!
                for case .train(let global) in participants[index].receiveGlobal(model, from: authorityID) {
                    try global.parameters.load(into: models[index])
                    try DigitsFixture.trainEpoch(models[index], on: loaders[index])
                    let trained = ModelParameters(models[index])
                    let count = data.clients[index].count
                    for case .send(let update, _) in participants[index].finishedTraining(trained, sampleCount: count) {
                        inbox += try server.receive(update, from: recipient, now: .seconds(1))
                    }
                }
            }
        }
        #expect(server.global.round == rounds)
        for name in reference.keys {
            let expected = reference[name]!.scalars
            let actual = server.global.parameters[name]!.scalars
            let difference = zip(expected, actual).map { abs($0 - $1) }.max()!
            #expect(difference < 1e-5, "parameter \(name) differs by \(difference)")
        }
    }
}
