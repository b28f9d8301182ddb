import Synchronization

/// The models peers pushed to one namespace, in arrival order, until its exchange takes them.
///
/// Pushes arrive on the serving tasks at any time, also before the namespace trains or between two
/// `train` calls; the training loop drains the inbox at its exchange points and hands the models to
/// the mode's state machine, which decides what each one is worth. The inbox is bounded: each
/// sender keeps its newest few models, and the whole inbox a fixed number, the oldest dropping out.
final class Inbox: Sendable {
    /// One pushed model and the node whose connection it came on.
    struct Delivery: Sendable {
        var sender: NodeID
        var model: ModelState
    }

    /// Models kept per sender: as many rounds as a synchronous round keeps from a peer that runs ahead.
    static let perSender = SynchronousRounds.earlyRoundsPerSender
    /// Models kept in all; bounds memory when many peers push while the namespace does not train.
    static let capacity = 256

    private let deliveries = Mutex<[Delivery]>([])

    /// Files a model.
    ///
    /// - Returns: The model dropped to make room, if one was.
    func put(_ model: ModelState, from sender: NodeID) -> Delivery? {
        deliveries.withLock { deliveries in
            deliveries.append(Delivery(sender: sender, model: model))
            let fromSender = deliveries.indices.filter { deliveries[$0].sender == sender }
            if fromSender.count > Self.perSender { return deliveries.remove(at: fromSender[0]) }
            if deliveries.count > Self.capacity { return deliveries.removeFirst() }
            return nil
        }
    }

    /// Files models taken out earlier and not used, ahead of those that arrived since; each one's
    /// origin is its sender.
    func putBack(_ models: [ModelState]) {
        deliveries.withLock { deliveries in
            deliveries.insert(contentsOf: models.map { Delivery(sender: $0.origin, model: $0) }, at: 0)
        }
    }

    /// Takes every model filed so far, oldest first.
    func drain() -> [Delivery] {
        deliveries.withLock { deliveries in
            defer { deliveries = [] }
            return deliveries
        }
    }
}
