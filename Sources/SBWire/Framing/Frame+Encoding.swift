extension Frame {
    /// The frame's bytes as they go on the wire.
    public func encoded() -> [UInt8] {
        var bytes = headerPrefix
        bytes.reserveCapacity(encodedByteCount)
        append(CRC32C.checksum(bytes), to: &bytes)
        bytes += payload
        var crc = CRC32C()
        crc.update(payload)
        if let authenticationTag {
            bytes += authenticationTag
            crc.update(authenticationTag)
        }
        append(crc.value, to: &bytes)
        return bytes
    }

    /// Header bytes 0–11 (everything but the header CRC), which are also the authenticated header
    /// fields: magic, version, type, flags and payload length.
    var headerPrefix: [UInt8] {
        Self.headerPrefix(version: version, type: type.rawValue, flags: flags.rawValue, payloadCount: payload.count)
    }

    static func headerPrefix(version: UInt8, type: UInt8, flags: UInt16, payloadCount: Int) -> [UInt8] {
        var bytes = WireProtocol.frameMagic + [version, type]
        append(flags, to: &bytes)
        append(UInt32(payloadCount), to: &bytes)
        return bytes
    }
}

/// Appends a little-endian integer; used where a whole ``ByteWriter`` would be overkill.
func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}
