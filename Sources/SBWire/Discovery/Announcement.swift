/// A discovery datagram: a node telling the LAN that it exists (or is leaving), where it accepts
/// connections, which protocol versions it speaks and which namespaces it is in.
///
/// The layout is fixed apart from the tag count (docs/PROTOCOL.md, "Discovery"), so a datagram
/// is 48 + 8 × tags bytes, at most ``maxByteCount``. Decoding checks the length, magic, format
/// version and CRC-32C before reading a single field, so foreign or damaged datagrams cost a few
/// comparisons; each failure is a ``WireError`` to count.
///
/// ```swift
/// let announcement = try Announcement(
///     nodeID: node.id, port: 7070, namespaces: [NamespaceTag(openNamespace: "MyFirstNamespace")])
/// socket.send(announcement.encoded(), to: group)
///
/// let heard = try Announcement(datagram: received)
/// ```
public struct Announcement: Sendable, Equatable {
    /// What the datagram says about the node.
    public enum Kind: UInt8, Sendable {
        /// The node is alive; repeated every heartbeat interval.
        case announce = 1
        /// The node is shutting down; peers may drop it at once instead of waiting for expiry.
        case leave = 2
    }

    /// Where the node accepts connections.
    public enum Address: Sendable, Equatable {
        /// The address the datagram came from (the usual case on a LAN).
        case source
        /// An IPv4 address, 4 bytes in network order.
        case ipv4([UInt8])
        /// An IPv6 address, 16 bytes in network order.
        case ipv6([UInt8])
    }

    /// The datagram format version this implementation writes and reads.
    public static let formatVersion: UInt8 = 1
    /// The most namespace tags one datagram carries.
    public static let maxNamespaceTags = 16
    /// The bytes a datagram has besides its tags.
    public static let fixedByteCount = 48
    /// The longest valid datagram.
    public static let maxByteCount = fixedByteCount + maxNamespaceTags * NamespaceTag.byteCount

    /// Alive or leaving.
    public let kind: Kind
    /// The node's identity.
    public let nodeID: NodeID
    /// The protocol versions the node speaks.
    public let versions: ClosedRange<UInt8>
    /// The node's TCP port; not 0 in an announcement.
    public let port: UInt16
    /// The node's address, or ``Address/source``.
    public let address: Address
    /// The namespaces the node is in.
    public let namespaces: [NamespaceTag]

    /// Creates a datagram.
    ///
    /// - Throws: ``WireError`` for port 0 in an announcement, a version range starting at 0, a
    ///   wildcard or wrongly sized address, or more than ``maxNamespaceTags`` tags.
    public init(
        kind: Kind = .announce, nodeID: NodeID, versions: ClosedRange<UInt8> = WireProtocol.supportedVersions,
        port: UInt16, address: Address = .source, namespaces: [NamespaceTag]
    ) throws(WireError) {
        guard kind == .leave || port != 0 else {
            throw .invalidValue(field: "announcement port", reason: "an announcement needs the port peers connect to")
        }
        guard versions.lowerBound > 0 else {
            throw .invalidValue(field: "announcement versions", reason: "protocol versions start at 1")
        }
        switch address {
        case .source: break
        case .ipv4(let bytes): try Self.check(bytes, count: 4)
        case .ipv6(let bytes): try Self.check(bytes, count: 16)
        }
        try ByteWriter.check(namespaces.count, field: "announcement namespace count", limit: Self.maxNamespaceTags)
        self.kind = kind
        self.nodeID = nodeID
        self.versions = versions
        self.port = port
        self.address = address
        self.namespaces = namespaces
    }

    private static func check(_ address: [UInt8], count: Int) throws(WireError) {
        guard address.count == count else {
            throw .invalidValue(field: "announcement address", reason: "must be \(count) bytes, not \(address.count)")
        }
        guard address.contains(where: { $0 != 0 }) else {
            throw .invalidValue(field: "announcement address", reason: "a wildcard address is not one a peer can reach")
        }
    }
}

extension Announcement {
    /// The datagram's bytes.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.fixedByteCount + namespaces.count * NamespaceTag.byteCount)
        writer.write(raw: WireProtocol.datagramMagic)
        writer.write(Self.formatVersion)
        writer.write(kind.rawValue)
        writer.write(versions.lowerBound)
        writer.write(versions.upperBound)
        writer.write(nodeID)
        writer.write(port)
        let (family, bytes): (UInt8, [UInt8]) =
            switch address {
            case .source: (0, [])
            case .ipv4(let bytes): (4, bytes)
            case .ipv6(let bytes): (6, bytes)
            }
        writer.write(family)
        writer.write(raw: bytes + [UInt8](repeating: 0, count: 16 - bytes.count))
        writer.write(UInt8(namespaces.count))
        for tag in namespaces {
            writer.write(raw: tag.bytes)
        }
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Decodes a datagram.
    ///
    /// - Throws: ``WireError/truncated(field:needed:available:)`` or
    ///   ``WireError/limitExceeded(field:value:limit:)`` for a datagram of impossible length,
    ///   ``WireError/badMagic(_:)``, ``WireError/unsupportedVersion(_:supported:)``,
    ///   ``WireError/checksumMismatch(expected:actual:)``, or
    ///   ``WireError/invalidValue(field:reason:)`` for a field outside its range.
    public init(datagram: [UInt8]) throws(WireError) {
        guard datagram.count >= Self.fixedByteCount else {
            throw .truncated(field: "announcement", needed: Self.fixedByteCount, available: datagram.count)
        }
        try ByteWriter.check(datagram.count, field: "announcement size", limit: Self.maxByteCount)
        guard datagram.starts(with: WireProtocol.datagramMagic) else { throw .badMagic(Array(datagram.prefix(4))) }
        guard datagram[4] == Self.formatVersion else {
            throw .unsupportedVersion(datagram[4], supported: Self.formatVersion...Self.formatVersion)
        }
        var reader = ByteReader(datagram)
        let body = try reader.readBytes(count: datagram.count - 4, field: "announcement")
        let expected = try reader.read(UInt32.self, field: "announcement checksum")
        let actual = CRC32C.checksum(body)
        guard expected == actual else { throw .checksumMismatch(expected: expected, actual: actual) }

        reader = ByteReader(body)
        _ = try reader.readBytes(count: 5, field: "announcement magic and version")
        let kindCode = try reader.read(UInt8.self, field: "announcement kind")
        guard let kind = Kind(rawValue: kindCode) else {
            throw .invalidValue(field: "announcement kind", reason: "\(kindCode) is not 1 (announce) or 2 (leave)")
        }
        let lowest = try reader.read(UInt8.self, field: "announcement lowest version")
        let highest = try reader.read(UInt8.self, field: "announcement highest version")
        guard lowest <= highest else {
            throw .invalidValue(field: "announcement versions", reason: "\(lowest) is above \(highest)")
        }
        let nodeID = try reader.readNodeID(field: "announcement node id")
        let port = try reader.read(UInt16.self, field: "announcement port")
        let address = try Self.readAddress(from: &reader)
        let count = try reader.read(UInt8.self, field: "announcement namespace count")
        guard Int(count) * NamespaceTag.byteCount == reader.remaining else {
            throw .invalidValue(
                field: "announcement namespace count",
                reason: "\(count) tags need \(Int(count) * NamespaceTag.byteCount) bytes, \(reader.remaining) remain")
        }
        var tags: [NamespaceTag] = []
        for _ in 0..<count {
            tags.append(
                NamespaceTag(bytes: try reader.readBytes(count: NamespaceTag.byteCount, field: "namespace tag")))
        }
        try self.init(
            kind: kind, nodeID: nodeID, versions: lowest...highest, port: port, address: address, namespaces: tags)
    }

    private static func readAddress(from reader: inout ByteReader) throws(WireError) -> Address {
        let family = try reader.read(UInt8.self, field: "announcement address family")
        let bytes = try reader.readBytes(count: 16, field: "announcement address")
        let used = family == 4 ? 4 : family == 6 ? 16 : 0
        guard bytes[used...].allSatisfy({ $0 == 0 }) else {
            throw .invalidValue(field: "announcement address", reason: "unused address bytes must be zero")
        }
        switch family {
        case 0: return .source
        case 4: return .ipv4(Array(bytes.prefix(4)))
        case 6: return .ipv6(bytes)
        default:
            throw .invalidValue(field: "announcement address family", reason: "\(family) is not 0, 4 or 6")
        }
    }
}
