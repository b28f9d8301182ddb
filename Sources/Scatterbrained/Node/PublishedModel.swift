import Foundation

/// A namespace's model as its node serves it: the snapshot, its version and the samples behind it,
/// with the wire form encoded once per version rather than once per request.
struct PublishedModel: Sendable {
    /// The architecture and weights.
    let snapshot: ModelSnapshot
    /// Increases with every change the node makes to the model (an epoch, a download).
    let version: UInt64
    /// The number of training samples behind the weights.
    let sampleCount: UInt64
    /// The architecture document, as ``ModelSnapshot/architectureJSON()`` writes it.
    let architecture: [UInt8]
    /// The weights in float32, exact to the bit.
    let tensors: [WireTensor]

    /// Captures a snapshot for serving.
    ///
    /// - Throws: ``NodeError/invalidModel(_:)`` if the architecture cannot be written or the weights
    ///   break a protocol limit.
    init(_ snapshot: ModelSnapshot, version: UInt64, sampleCount: UInt64) throws(NodeError) {
        self.snapshot = snapshot
        self.version = version
        self.sampleCount = sampleCount
        do {
            architecture = Array(try snapshot.architectureJSON())
            tensors = try WireTensor.encode(snapshot.state, as: .float32)
        } catch {
            throw .invalidModel("\(error)")
        }
    }

    /// Rebuilds a model a peer sent.
    ///
    /// - Throws: ``NodeError/invalidModel(_:)`` naming what does not decode or fit.
    init(_ response: ModelResponse) throws(NodeError) {
        do {
            let spec = try ModelSnapshot.decodeArchitecture(Data(response.architecture))
            snapshot = ModelSnapshot(spec: spec, state: try WireTensor.decode(response.tensors))
            // Rebuilding once here turns weights that do not fit the architecture into an error now,
            // rather than at the first prediction.
            _ = try snapshot.makeModule()
        } catch {
            throw .invalidModel("the peer's model does not load: \(error)")
        }
        version = response.modelVersion
        sampleCount = response.sampleCount
        architecture = response.architecture
        tensors = response.tensors
    }

    /// The answer to a model request.
    func response(to request: ModelRequest) throws(WireError) -> ModelResponse {
        try ModelResponse(
            requestID: request.requestID, namespace: request.namespace, modelVersion: version,
            sampleCount: sampleCount, architecture: architecture, tensors: tensors)
    }
}
