/// The keys a namespace secret yields, derived once with HKDF-SHA256 and bound to the namespace
/// name.
///
/// Binding to the name means one secret reused across namespaces still gives unrelated keys.
/// The secret is used only as HKDF input and is never sent; see docs/SECURITY.md.
///
/// ```swift
/// let key = try NamespaceKey(secret: Array(secretString.utf8), namespace: "MyFirstNamespace")
/// ```
public struct NamespaceKey: Sendable, CustomStringConvertible {
    /// The shortest secret accepted: 16 bytes (128 bits), as the handshake transcript lets an
    /// eavesdropper test guesses offline.
    public static let minimumSecretByteCount = 16

    /// The namespace the keys belong to.
    public let namespace: String
    /// HKDF's pseudorandom key, from which the session keys are expanded.
    let pseudoRandomKey: [UInt8]
    /// Keys the handshake proofs.
    let handshakeKey: [UInt8]
    /// The namespace's tag in discovery datagrams, unlinkable to the name without the secret.
    public let discoveryTag: NamespaceTag

    /// Derives the keys.
    ///
    /// - Throws: ``AuthenticationError/weakSecret(byteCount:minimum:)`` for a secret shorter than
    ///   ``minimumSecretByteCount``, ``AuthenticationError/invalidMessage(_:)`` for an invalid
    ///   namespace name.
    public init(secret: [UInt8], namespace: String) throws(AuthenticationError) {
        guard secret.count >= Self.minimumSecretByteCount else {
            throw .weakSecret(byteCount: secret.count, minimum: Self.minimumSecretByteCount)
        }
        do throws(WireError) {
            try FieldValidation.namespace(namespace, field: "namespace")
        } catch {
            throw .invalidMessage(error)
        }
        self.namespace = namespace
        pseudoRandomKey = HKDF.extract(salt: Array("SBWire v1 namespace \(namespace)".utf8), inputKeyMaterial: secret)
        handshakeKey = Self.expand(pseudoRandomKey, "SBWire v1 handshake", count: 32)
        discoveryTag = NamespaceTag(bytes: Self.expand(pseudoRandomKey, "SBWire v1 discovery tag", count: 8))
    }

    /// Never prints key material, so keys can appear in logs and debugger output safely.
    public var description: String { "NamespaceKey(namespace: \(namespace))" }

    static func expand(_ key: [UInt8], _ label: String, context: [UInt8] = [], count: Int) -> [UInt8] {
        HKDF.expand(pseudoRandomKey: key, info: Array(label.utf8) + context, outputByteCount: count)
    }
}
