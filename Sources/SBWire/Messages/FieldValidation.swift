/// Checks shared by several messages, so that every message states a namespace or host the same
/// way and with the same limits.
enum FieldValidation {
    /// A namespace name: 1...``WireProtocol/maxNamespaceBytes`` UTF-8 bytes.
    static func namespace(_ name: String, field: String) throws(WireError) {
        guard !name.isEmpty else { throw .invalidValue(field: field, reason: "a namespace name cannot be empty") }
        try ByteWriter.check(name.utf8.count, field: field, limit: WireProtocol.maxNamespaceBytes)
    }

    /// A host to connect to: a name or address literal a peer can reach, never a wildcard.
    ///
    /// Wildcard addresses are what a socket binds to, not an address anyone can connect to;
    /// advertising one sends peers to their own machine.
    static func host(_ host: String, field: String, allowEmpty: Bool) throws(WireError) {
        guard allowEmpty || !host.isEmpty else { throw .invalidValue(field: field, reason: "a host cannot be empty") }
        try ByteWriter.check(host.utf8.count, field: field, limit: WireProtocol.maxHostBytes)
        guard !["0.0.0.0", "::", "[::]"].contains(host) else {
            throw .invalidValue(field: field, reason: "\(host) is a wildcard address, not one a peer can reach")
        }
    }

    /// A nonce or proof: exactly ``WireProtocol/nonceByteCount`` bytes.
    static func nonce(_ bytes: [UInt8], field: String) throws(WireError) {
        guard bytes.count == WireProtocol.nonceByteCount else {
            throw .invalidValue(
                field: field, reason: "must be \(WireProtocol.nonceByteCount) bytes, not \(bytes.count)")
        }
    }
}
