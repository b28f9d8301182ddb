/// Asks a peer for a namespace's model: architecture and weights, answered by a
/// ``ModelResponse`` with the same request id (or an ``ErrorMessage``).
public struct ModelRequest: Sendable, Equatable {
    /// Chosen by the requester to match the response to the request.
    public let requestID: UInt64
    /// The namespace whose model is wanted.
    public let namespace: String
    /// The model version the requester already holds; the peer answers only with a newer one,
    /// or with ``ErrorCode/modelUnavailable``. 0 asks for any version.
    public let haveVersion: UInt64
    /// The tensor encoding the requester would like; the peer may send float32 instead.
    public let preferredEncoding: TensorEncoding

    /// Creates a model request.
    ///
    /// - Throws: ``WireError`` for an invalid namespace.
    public init(
        requestID: UInt64, namespace: String, haveVersion: UInt64 = 0, preferredEncoding: TensorEncoding = .float32
    ) throws(WireError) {
        try FieldValidation.namespace(namespace, field: "model request namespace")
        self.requestID = requestID
        self.namespace = namespace
        self.haveVersion = haveVersion
        self.preferredEncoding = preferredEncoding
    }
}

extension ModelRequest: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(requestID)
        writer.write(checkedString: namespace)
        writer.write(haveVersion)
        writer.write(preferredEncoding.rawValue)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let requestID = try reader.read(UInt64.self, field: "model request id")
        let namespace = try reader.readString(
            field: "model request namespace", maxBytes: WireProtocol.maxNamespaceBytes)
        let haveVersion = try reader.read(UInt64.self, field: "model request version")
        let code = try reader.read(UInt8.self, field: "model request encoding")
        guard let encoding = TensorEncoding(rawValue: code) else {
            throw .invalidValue(field: "model request encoding", reason: "\(code) is not a tensor encoding (1, 2 or 3)")
        }
        try self.init(requestID: requestID, namespace: namespace, haveVersion: haveVersion, preferredEncoding: encoding)
    }
}
