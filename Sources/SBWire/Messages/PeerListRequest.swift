/// Asks a peer which members of a namespace it knows, answered by a ``PeerList``; this is how a
/// node given only a seed address learns the rest of the namespace.
public struct PeerListRequest: Sendable, Equatable {
    /// The namespace whose members are wanted.
    public let namespace: String

    /// Creates a peer list request.
    ///
    /// - Throws: ``WireError`` for an invalid namespace.
    public init(namespace: String) throws(WireError) {
        try FieldValidation.namespace(namespace, field: "peer list request namespace")
        self.namespace = namespace
    }
}

extension PeerListRequest: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(checkedString: namespace)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        try self.init(
            namespace: try reader.readString(
                field: "peer list request namespace", maxBytes: WireProtocol.maxNamespaceBytes))
    }
}
