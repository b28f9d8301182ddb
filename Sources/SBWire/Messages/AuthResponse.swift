/// Answers the other side's ``AuthChallenge``: an HMAC-SHA256 proof over the handshake
/// transcript, which only a holder of the namespace secret can compute.
public struct AuthResponse: Sendable, Equatable {
    /// The proof, ``WireProtocol/nonceByteCount`` bytes.
    public let proof: [UInt8]

    /// Creates a response.
    ///
    /// - Throws: ``WireError/invalidValue(field:reason:)`` for a proof of the wrong length.
    public init(proof: [UInt8]) throws(WireError) {
        try FieldValidation.nonce(proof, field: "auth response proof")
        self.proof = proof
    }
}

extension AuthResponse: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(raw: proof)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        try self.init(proof: try reader.readBytes(count: WireProtocol.nonceByteCount, field: "auth response proof"))
    }
}
