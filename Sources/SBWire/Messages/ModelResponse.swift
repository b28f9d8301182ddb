/// A namespace's model: the architecture document, the named weights, the model version and
/// the number of training samples behind it.
///
/// The architecture is the JSON a `ModuleSpec` encodes to (docs/MODEL_FILES.md); SBWire carries
/// it as opaque bytes, and the receiver rebuilds the module from it. Responses larger than one
/// frame travel in chunks (``Message/frames(transferID:maxPayloadSize:version:)``).
///
/// ```swift
/// let response = try ModelResponse(
///     requestID: request.requestID, namespace: request.namespace, modelVersion: 12, sampleCount: 3_200,
///     architecture: snapshot.architectureJSON(), tensors: WireTensor.encode(snapshot.state, as: .float32))
/// ```
public struct ModelResponse: Sendable, Equatable {
    /// The id of the ``ModelRequest`` this answers; 0 for an unsolicited model.
    public let requestID: UInt64
    /// The namespace the model belongs to.
    public let namespace: String
    /// The model's version, increasing with every aggregation the sender applied.
    public let modelVersion: UInt64
    /// The number of training samples that contributed, for weighting in aggregation.
    public let sampleCount: UInt64
    /// The architecture as UTF-8 JSON, at most ``WireProtocol/maxArchitectureBytes``.
    public let architecture: [UInt8]
    /// The weights, with unique names.
    public let tensors: [WireTensor]

    /// Creates a model response.
    ///
    /// - Throws: ``WireError`` for an invalid namespace, an empty or oversized architecture,
    ///   too many tensors or a repeated tensor name.
    public init(
        requestID: UInt64, namespace: String, modelVersion: UInt64, sampleCount: UInt64, architecture: [UInt8],
        tensors: [WireTensor]
    ) throws(WireError) {
        try FieldValidation.namespace(namespace, field: "model response namespace")
        guard !architecture.isEmpty else {
            throw .invalidValue(field: "model response architecture", reason: "cannot be empty")
        }
        try ByteWriter.check(
            architecture.count, field: "model response architecture size", limit: WireProtocol.maxArchitectureBytes)
        try WireTensor.validate(tensors, field: "model response")
        self.requestID = requestID
        self.namespace = namespace
        self.modelVersion = modelVersion
        self.sampleCount = sampleCount
        self.architecture = architecture
        self.tensors = tensors
    }
}

extension ModelResponse: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(requestID)
        writer.write(checkedString: namespace)
        writer.write(modelVersion)
        writer.write(sampleCount)
        writer.write(checkedLengthPrefixed: architecture)
        WireTensor.encode(tensors, into: &writer)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let requestID = try reader.read(UInt64.self, field: "model response request id")
        let namespace = try reader.readString(
            field: "model response namespace", maxBytes: WireProtocol.maxNamespaceBytes)
        let modelVersion = try reader.read(UInt64.self, field: "model response version")
        let sampleCount = try reader.read(UInt64.self, field: "model response sample count")
        let architecture = try reader.readLengthPrefixed(
            field: "model response architecture", maxBytes: WireProtocol.maxArchitectureBytes)
        let tensors = try WireTensor.decodeList(from: &reader, field: "model response")
        try self.init(
            requestID: requestID, namespace: namespace, modelVersion: modelVersion, sampleCount: sampleCount,
            architecture: architecture, tensors: tensors)
    }
}
