/// Weights a node trained locally, pushed to a peer that aggregates them.
///
/// Carries no architecture: both sides already hold the namespace's model, and `baseVersion`
/// says which version the training started from, so a stale update can be weighted down or
/// dropped.
public struct UpdatePush: Sendable, Equatable {
    /// The namespace the update belongs to.
    public let namespace: String
    /// The model version training started from.
    public let baseVersion: UInt64
    /// The number of local samples trained on, for weighting in aggregation.
    public let sampleCount: UInt64
    /// The trained weights (or weight deltas, as the namespace's strategy defines), unique names.
    public let tensors: [WireTensor]

    /// Creates an update.
    ///
    /// - Throws: ``WireError`` for an invalid namespace, too many tensors or a repeated name.
    public init(namespace: String, baseVersion: UInt64, sampleCount: UInt64, tensors: [WireTensor]) throws(WireError) {
        try FieldValidation.namespace(namespace, field: "update push namespace")
        try WireTensor.validate(tensors, field: "update push")
        self.namespace = namespace
        self.baseVersion = baseVersion
        self.sampleCount = sampleCount
        self.tensors = tensors
    }
}

extension UpdatePush: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(checkedString: namespace)
        writer.write(baseVersion)
        writer.write(sampleCount)
        WireTensor.encode(tensors, into: &writer)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let namespace = try reader.readString(field: "update push namespace", maxBytes: WireProtocol.maxNamespaceBytes)
        let baseVersion = try reader.read(UInt64.self, field: "update push base version")
        let sampleCount = try reader.read(UInt64.self, field: "update push sample count")
        let tensors = try WireTensor.decodeList(from: &reader, field: "update push")
        try self.init(namespace: namespace, baseVersion: baseVersion, sampleCount: sampleCount, tensors: tensors)
    }
}
