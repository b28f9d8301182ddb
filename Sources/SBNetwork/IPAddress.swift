import CSBShims

/// A numeric IPv4 or IPv6 host address, without a port.
///
/// Only numeric forms are parsed, plus the name `localhost` (always 127.0.0.1): name resolution
/// blocks, and peers exchange numeric addresses anyway.
///
/// ```swift
/// let group = try IPAddress(parsing: "239.255.42.99")
/// let local = IPAddress.loopbackIPv4
/// ```
public struct IPAddress: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The IP version of an address.
    public enum Family: Sendable {
        /// IPv4: 4-byte addresses.
        case ipv4
        /// IPv6: 16-byte addresses.
        case ipv6
    }

    /// The C form handed to the shims; its port field is always 0.
    let raw: sb_address

    init(raw: sb_address) {
        var host = raw
        host.port = 0
        self.raw = host
    }

    /// Parses a numeric IPv4 (`192.168.1.7`) or IPv6 (`fe80::1`, no brackets) address, or `localhost`.
    ///
    /// - Parameter text: The address text.
    /// - Throws: ``NetworkError/invalidAddress(_:reason:)`` for anything else, including host names.
    public init(parsing text: String) throws(NetworkError) {
        let host = text == "localhost" ? "127.0.0.1" : text
        var raw = sb_address()
        guard sb_address_parse(host, 0, &raw) == 0 else {
            let reason =
                text.contains("%")
                ? "scoped IPv6 addresses (with %interface) are not supported"
                : "expected a numeric IPv4 or IPv6 address (host names are not resolved)"
            throw .invalidAddress(text, reason: reason)
        }
        self.raw = raw
    }

    /// Parses like ``init(parsing:)``, returning `nil` for invalid text.
    public init?(_ description: String) {
        guard let address = try? IPAddress(parsing: description) else { return nil }
        self = address
    }

    /// 127.0.0.1, this machine over the loopback interface.
    public static let loopbackIPv4 = IPAddress(version4: [127, 0, 0, 1])
    /// ::1, this machine over the loopback interface.
    public static let loopbackIPv6 = IPAddress(version6Last: 1)
    /// 0.0.0.0: binding to it accepts traffic on every IPv4 interface.
    public static let anyIPv4 = IPAddress(version4: [0, 0, 0, 0])
    /// ::, binding to it accepts traffic on every interface (IPv4 too, unless the system disables dual stack).
    public static let anyIPv6 = IPAddress(version6Last: 0)

    private init(version4 bytes: [UInt8]) {
        var raw = sb_address()
        raw.family = Int32(SB_FAMILY_IPV4)
        withUnsafeMutableBytes(of: &raw.bytes) { $0.copyBytes(from: bytes) }
        self.raw = raw
    }

    private init(version6Last last: UInt8) {
        var raw = sb_address()
        raw.family = Int32(SB_FAMILY_IPV6)
        withUnsafeMutableBytes(of: &raw.bytes) { $0[15] = last }
        self.raw = raw
    }

    /// Whether this is an IPv4 or an IPv6 address.
    public var family: Family { raw.family == Int32(SB_FAMILY_IPV4) ? .ipv4 : .ipv6 }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: raw.bytes) { Array($0.prefix(family == .ipv4 ? 4 : 16)) }
    }

    /// Whether the address leads back to this machine (127.0.0.0/8 or ::1).
    public var isLoopback: Bool {
        family == .ipv4 ? bytes[0] == 127 : self == .loopbackIPv6
    }

    /// Whether this is the wildcard address (0.0.0.0 or ::), which a peer cannot connect to.
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// Whether this is a multicast group address (224.0.0.0/4 or ff00::/8).
    public var isMulticast: Bool {
        family == .ipv4 ? bytes[0] & 0xF0 == 0xE0 : bytes[0] == 0xFF
    }

    /// The numeric text form, such as `127.0.0.1` or `::1`.
    public var description: String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            var address = raw
            guard sb_address_format(&address, buffer.baseAddress!, buffer.count) == 0 else {
                return "<invalid address>"
            }
            return String(cString: buffer.baseAddress!)
        }
    }

    /// Addresses are equal when family, bytes and IPv6 scope are (`::1` equals `0:0::1`).
    public static func == (lhs: IPAddress, rhs: IPAddress) -> Bool {
        lhs.raw.family == rhs.raw.family && lhs.raw.scope_id == rhs.raw.scope_id && lhs.bytes == rhs.bytes
    }

    /// Hashes the same parts that ``==(_:_:)`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(raw.family)
        hasher.combine(raw.scope_id)
        hasher.combine(bytes)
    }
}
