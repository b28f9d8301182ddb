/// A node's identity: 16 random bytes, chosen once per node and sent in hellos, announcements and
/// peer lists.
///
/// Random rather than derived from an address, so two nodes on one host (or behind one NAT) never
/// collide, and an address change does not make a node a stranger.
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    /// The length on the wire.
    public static let byteCount = 16

    /// The identifier's bytes, in wire order.
    public let bytes: [UInt8]

    /// Wraps 16 bytes.
    ///
    /// - Throws: ``WireError/invalidValue(field:reason:)`` for any other length.
    public init(bytes: [UInt8]) throws(WireError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidValue(field: "node id", reason: "must be \(Self.byteCount) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// A fresh identifier from `generator`; deterministic generators are for tests only.
    public static func random(using generator: inout some RandomNumberGenerator) -> NodeID {
        NodeID(unchecked: randomBytes(count: byteCount, using: &generator))
    }

    /// A fresh identifier from the system's cryptographic random number generator.
    public static func random() -> NodeID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// 32 lowercase hexadecimal digits.
    public var description: String {
        hexString(bytes)
    }
}

/// `count` bytes from `generator`.
func randomBytes(count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

extension ByteWriter {
    mutating func write(_ id: NodeID) {
        write(raw: id.bytes)
    }
}

extension ByteReader {
    mutating func readNodeID(field: String) throws(WireError) -> NodeID {
        NodeID(unchecked: try readBytes(count: NodeID.byteCount, field: field))
    }
}
