/// Eight bytes that stand for a namespace name in discovery datagrams.
///
/// Fixed-size tags keep datagrams small and bounded whatever the names, and keep names out of
/// broadcast traffic. For an open namespace the tag is a hash of the name, so anyone who knows
/// the name can compute it; a namespace with a secret uses ``NamespaceKey/discoveryTag``, which
/// outsiders can neither compute nor link to the name.
public struct NamespaceTag: Hashable, Sendable, CustomStringConvertible {
    /// The tag's length on the wire.
    public static let byteCount = 8

    /// The tag's bytes, in wire order.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The tag of a namespace without a secret: the first 8 bytes of
    /// SHA-256("SBWire v1 namespace tag" ‖ 0x00 ‖ name).
    public init(openNamespace name: String) {
        bytes = Array(
            SHA256.hash(Array("SBWire v1 namespace tag".utf8) + [0] + Array(name.utf8)).prefix(Self.byteCount))
    }

    /// 16 lowercase hexadecimal digits.
    public var description: String {
        hexString(bytes)
    }
}
