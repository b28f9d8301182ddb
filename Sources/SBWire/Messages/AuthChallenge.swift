/// Opens the handshake on a namespace with a secret: the namespace to authenticate for and a
/// fresh random nonce the other side's proof must cover.
///
/// Built by ``SessionHandshake``; see docs/SECURITY.md for the whole exchange.
public struct AuthChallenge: Sendable, Equatable {
    /// The namespace whose secret both sides must hold.
    public let namespace: String
    /// ``WireProtocol/nonceByteCount`` random bytes, never reused.
    public let nonce: [UInt8]

    /// Creates a challenge.
    ///
    /// - Throws: ``WireError`` for an invalid namespace or a nonce of the wrong length.
    public init(namespace: String, nonce: [UInt8]) throws(WireError) {
        try FieldValidation.namespace(namespace, field: "auth challenge namespace")
        try FieldValidation.nonce(nonce, field: "auth challenge nonce")
        self.namespace = namespace
        self.nonce = nonce
    }
}

extension AuthChallenge: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(checkedString: namespace)
        writer.write(raw: nonce)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let namespace = try reader.readString(
            field: "auth challenge namespace", maxBytes: WireProtocol.maxNamespaceBytes)
        let nonce = try reader.readBytes(count: WireProtocol.nonceByteCount, field: "auth challenge nonce")
        try self.init(namespace: namespace, nonce: nonce)
    }
}
