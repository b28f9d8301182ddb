/// How ``Namespace/train(epochs:train:validation:loss:exchange:)`` combines the namespace's model with
/// its peers' after every epoch.
///
/// ```swift
/// try await ns.train(epochs: 20, train: loader, exchange: .synchronous(timeout: .seconds(5)))
/// ```
public struct Exchange: Sendable {
    /// Who sends models to whom; fully connected by default.
    public var topology: Topology
    /// How the models of a round are combined; FedAvg (weighted by samples) by default.
    public var strategy: any AggregationStrategy
    /// How long a round waits for the peers' models before aggregating with those that arrived.
    public var timeout: Duration

    /// Synchronous rounds, one per epoch: push the epoch's model to the out-neighbours, wait for the
    /// in-neighbours' models of the same round up to `timeout`, aggregate with whoever answered.
    ///
    /// Every peer in the namespace is expected to train in the same rounds; a peer that only serves
    /// makes each round wait the whole timeout.
    public static func synchronous(
        timeout: Duration = .seconds(10), topology: Topology = .fullyConnected,
        strategy: any AggregationStrategy = FedAvg()
    ) -> Exchange {
        Exchange(topology: topology, strategy: strategy, timeout: timeout)
    }
}
