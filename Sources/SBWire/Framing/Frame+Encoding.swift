extension Frame {
    /// The frame's bytes as they go on the wire.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedByteCount)
        for part in encodedParts() {
            bytes += part
        }
        return bytes
    }

    /// The frame's bytes as they go on the wire, in parts to be sent one after the other: the
    /// header, the payload's pieces (views of the frame's storage, not copies) and the tag plus CRC.
    /// Saves a large payload the copy that ``encoded()`` makes.
    public func encodedParts() -> [ArraySlice<UInt8>] {
        var encoder = FrameEncoder(self)
        return encoder.next(maxCount: .max)
    }

    /// Header bytes 0–15.
    var header: [UInt8] {
        var bytes = headerPrefix
        append(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Header bytes 0–11 (everything but the header CRC), which are also the authenticated header
    /// fields: magic, version, type, flags and payload length.
    var headerPrefix: [UInt8] {
        Self.headerPrefix(version: version, type: type.rawValue, flags: flags.rawValue, payloadCount: payloadCount)
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
