import SBLearning
import SBWire

/// One node's model at one point of the federation: its weights plus what aggregation needs to
/// know about them.
///
/// This is the value that nodes exchange. The weights say nothing about where they came from, so
/// the state carries it: how many samples trained them (FedAvg's weight), which round or version
/// they belong to (to refuse late models and to measure staleness), and which node produced them.
///
/// ```swift
/// let update = ModelState(ModelParameters(model), sampleCount: trainSet.count, round: 3, origin: node.id)
/// ```
public struct ModelState: Sendable, Equatable {
    /// The weights.
    public var parameters: ModelParameters
    /// The number of training samples behind the weights; FedAvg weighs models by it.
    public var sampleCount: Int
    /// The round (synchronous and central modes) or version (asynchronous mode) of the weights.
    public var round: Int
    /// The node that produced the weights.
    public var origin: NodeID

    /// Creates a model state.
    public init(_ parameters: ModelParameters, sampleCount: Int, round: Int, origin: NodeID) {
        self.parameters = parameters
        self.sampleCount = sampleCount
        self.round = round
        self.origin = origin
    }
}
