import CSBShims

extension IPAddress {
    /// An address from its bytes in network order: 4 for IPv4, 16 for IPv6, else `nil`.
    init?(networkOrder bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        var raw = sb_address()
        raw.family = Int32(bytes.count == 4 ? SB_FAMILY_IPV4 : SB_FAMILY_IPV6)
        withUnsafeMutableBytes(of: &raw.bytes) { $0.copyBytes(from: bytes) }
        self.init(raw: raw)
    }

    /// The IPv4 address `a.b.c.d`.
    init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        var raw = sb_address()
        raw.family = Int32(SB_FAMILY_IPV4)
        withUnsafeMutableBytes(of: &raw.bytes) { $0.copyBytes(from: [a, b, c, d]) }
        self.init(raw: raw)
    }
}
