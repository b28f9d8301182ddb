import Synchronization

/// What became of the models a namespace pushed to its peers (round models, updates for an authority,
/// global models): every push is counted once, as delivered, superseded or lost.
public struct PushStatistics: Sendable, Equatable, Codable {
    /// Pushes written in full to a connection to the peer (a peer that dies before reading one is not
    /// told apart: the transport has no acknowledgements).
    public var delivered = 0
    /// Pushes replaced, before they went out, by a newer model for the same peer: asynchronous exchange
    /// sends only the newest.
    public var superseded = 0
    /// Pushes that never arrived: the peer could not be reached within the push timeout (twice), was no
    /// longer listed when the model was ready, fell so far behind that its queue overflowed, or the node
    /// stopped first.
    public var lost = 0

    /// Creates counts, zero unless given.
    public init(delivered: Int = 0, superseded: Int = 0, lost: Int = 0) {
        self.delivered = delivered
        self.superseded = superseded
        self.lost = lost
    }

    /// The pushes counted in `self` but not yet in `earlier`: what happened in between.
    public func since(_ earlier: PushStatistics) -> PushStatistics {
        PushStatistics(
            delivered: delivered - earlier.delivered, superseded: superseded - earlier.superseded,
            lost: lost - earlier.lost)
    }
}

/// One namespace's running ``PushStatistics``, counted by whoever carries its pushes.
final class PushLedger: Sendable {
    private let counts = Mutex(PushStatistics())

    var statistics: PushStatistics { counts.withLock { $0 } }

    func count(delivered: Int = 0, superseded: Int = 0, lost: Int = 0) {
        counts.withLock { counts in
            counts.delivered += delivered
            counts.superseded += superseded
            counts.lost += lost
        }
    }
}
