/// How ``Namespace/train(epochs:train:validation:loss:exchange:)`` combines the namespace's model with
/// its peers' models while it trains.
///
/// At every exchange point (after each epoch by default; see ``Interval``) the node sends its model to
/// the neighbours its ``topology`` allows and continues from an aggregate, in one of four modes:
///
/// ```swift
/// try await ns.train(epochs: 20, train: loader)                                   // asynchronous (default)
/// try await ns.train(epochs: 20, train: loader, exchange: .synchronous(timeout: .seconds(5)))
/// try await ns.train(epochs: 20, train: loader, exchange: .central())             // an authority coordinates
/// try await ns.train(epochs: 20, train: loader, exchange: .local)                 // no exchange
/// ```
public struct Exchange: Sendable {
    /// How the models of an exchange point are gathered.
    public enum Mode: Sendable, Equatable {
        /// No exchange: the node trains alone.
        case local
        /// Rounds: wait for the in-neighbours' models of the same round up to `timeout`, then aggregate
        /// with whoever answered.
        case synchronous(timeout: Duration)
        /// Merge whatever newer models arrived since the last exchange point, without waiting.
        case asynchronous
        /// Train from the authority's global model, send the update to the authority, and wait up to
        /// `timeout` for the next global model. `authority` nil takes the first node that sends one.
        case central(authority: NodeID?, timeout: Duration)
    }

    /// When the exchange points come.
    public enum Interval: Sendable, Hashable {
        /// After every `k` epochs (and after the last epoch).
        case epochs(Int)
        /// After every `n` optimizer steps, counted across epochs (and after the last epoch).
        case steps(Int)
    }

    /// How models are gathered.
    public var mode: Mode
    /// Who sends models to whom; fully connected by default. The central mode ignores it: models go
    /// between the authority and each participant.
    public var topology: Topology
    /// How the models of an exchange point are combined. The central mode ignores it: the authority
    /// aggregates.
    public var strategy: any AggregationStrategy
    /// When the exchange points come; after every epoch by default.
    public var interval: Interval

    /// Creates an exchange; the static constructors below are the usual way.
    ///
    /// - Precondition: the interval's count is at least 1.
    public init(mode: Mode, topology: Topology, strategy: any AggregationStrategy, interval: Interval) {
        switch interval {
        case .epochs(let count), .steps(let count):
            guard count >= 1 else { fatalError("Exchange: the interval must be at least 1, got \(interval)") }
        }
        self.mode = mode
        self.topology = topology
        self.strategy = strategy
        self.interval = interval
    }

    /// No exchange: the node trains on its own data only.
    public static let local = Exchange(
        mode: .local, topology: .fullyConnected, strategy: FedAvg(), interval: .epochs(1))

    /// Synchronous rounds: at every exchange point push the model to the out-neighbours, wait for the
    /// in-neighbours' models of the same round up to `timeout`, and aggregate with whoever answered.
    ///
    /// Every node of the namespace is expected to train with the same interval; a peer that only
    /// serves makes each round wait the whole timeout. A node that joins late lines its rounds up
    /// with its peers' as soon as their models reach it.
    public static func synchronous(
        timeout: Duration = .seconds(10), topology: Topology = .fullyConnected,
        strategy: any AggregationStrategy = FedAvg(), every interval: Interval = .epochs(1)
    ) -> Exchange {
        Exchange(mode: .synchronous(timeout: timeout), topology: topology, strategy: strategy, interval: interval)
    }

    /// Asynchronous merging, the default: at every exchange point push the model to the out-neighbours
    /// and merge the newer models that arrived since the last one, discounting stale ones. Never waits,
    /// so peers that train slower, only serve, or die cost nothing.
    public static func asynchronous(
        topology: Topology = .fullyConnected, strategy: any AggregationStrategy = .stalenessWeighted(),
        every interval: Interval = .epochs(1)
    ) -> Exchange {
        Exchange(mode: .asynchronous, topology: topology, strategy: strategy, interval: interval)
    }

    /// Central authority, classic federated learning: a node running ``Namespace/coordinate(rounds:minimumParticipants:roundTimeout:strategy:)``
    /// sends each round's global model; this node trains from it for one interval, sends its update
    /// back, and waits up to `timeout` for the next global model. The call ends with the global model
    /// of the last round.
    ///
    /// - Parameters:
    ///   - authority: The coordinating node; nil takes the first node that sends a global model.
    ///   - timeout: How long to wait for each global model. Without a first one the call throws
    ///     ``NodeError/noAuthorityInReach(namespace:waited:)``; without a later one it trains on.
    public static func central(
        authority: NodeID? = nil, timeout: Duration = .seconds(60), every interval: Interval = .epochs(1)
    ) -> Exchange {
        Exchange(
            mode: .central(authority: authority, timeout: timeout), topology: .fullyConnected, strategy: FedAvg(),
            interval: interval)
    }
}
