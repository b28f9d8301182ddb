/// Appends protocol fields to a byte array: little-endian integers and length-prefixed strings,
/// byte strings and counts.
///
/// Writers check the same limits readers enforce, so a message that encodes is a message every
/// conforming peer accepts.
///
/// ```swift
/// var writer = ByteWriter()
/// writer.write(UInt32(7))
/// try writer.writeString("digits", field: "namespace", maxBytes: WireProtocol.maxNamespaceBytes)
/// send(writer.bytes)
/// ```
public struct ByteWriter: Sendable {
    /// Large byte strings written with ``write(shared:)``, each preceded by the bytes written
    /// before it; `tail` follows the last.
    private var parts: [ArraySlice<UInt8>] = []
    private var tail: [UInt8] = []

    /// Everything written so far.
    public var bytes: [UInt8] {
        guard !parts.isEmpty else { return tail }
        var joined = [UInt8]()
        joined.reserveCapacity(count)
        for part in parts {
            joined += part
        }
        return joined + tail
    }

    /// The number of bytes written so far.
    public var count: Int { parts.reduce(tail.count) { $0 + $1.count } }

    /// Everything written so far, in pieces whose concatenation is ``bytes``: a large byte string
    /// written with ``write(shared:)`` is one of them, not a copy.
    var segments: [ArraySlice<UInt8>] { parts + [tail[...]] }

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        tail.reserveCapacity(capacity)
    }

    /// Appends bytes as they are, keeping a large run as a reference rather than a copy (see
    /// ``segments``), so a model's weights are copied once, into the frames that carry them.
    mutating func write(shared raw: ArraySlice<UInt8>) {
        guard raw.count >= Self.sharedThreshold else { return write(raw: raw) }
        parts.append(tail[...])
        parts.append(raw)
        tail = []
    }

    /// Below this size a shared write is copied: one more piece would cost more than the bytes.
    private static let sharedThreshold = 4_096

    /// Appends an integer, little-endian.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { tail.append(contentsOf: $0) }
    }

    /// Appends a `Float` as its IEEE 754 bit pattern, little-endian.
    public mutating func write(_ value: Float) {
        write(value.bitPattern)
    }

    /// Appends bytes as they are, with no length prefix.
    public mutating func write(raw: some Collection<UInt8>) {
        tail.append(contentsOf: raw)
    }

    /// Appends a string as a UInt16 byte count followed by its UTF-8 bytes.
    ///
    /// - Throws: ``WireError/limitExceeded(field:value:limit:)`` if the UTF-8 form is longer than
    ///   `maxBytes`.
    public mutating func writeString(_ string: String, field: String, maxBytes: Int) throws(WireError) {
        try Self.check(string.utf8.count, field: field, limit: min(maxBytes, Int(UInt16.max)))
        write(checkedString: string)
    }

    /// Appends a byte string as a UInt32 byte count followed by the bytes.
    ///
    /// - Throws: ``WireError/limitExceeded(field:value:limit:)`` if it is longer than `maxBytes`.
    public mutating func writeLengthPrefixed(_ raw: [UInt8], field: String, maxBytes: Int) throws(WireError) {
        try Self.check(raw.count, field: field, limit: min(maxBytes, Int(UInt32.max)))
        write(checkedLengthPrefixed: raw)
    }

    /// Appends a string whose length the caller has validated (message values are checked when
    /// they are created, so encoding them cannot fail).
    mutating func write(checkedString string: String) {
        let utf8 = Array(string.utf8)
        precondition(utf8.count <= Int(UInt16.max), "string fields are validated before encoding")
        write(UInt16(utf8.count))
        tail.append(contentsOf: utf8)
    }

    /// Appends a byte string whose length the caller has validated.
    mutating func write(checkedLengthPrefixed raw: [UInt8]) {
        precondition(raw.count <= Int(UInt32.max), "byte string fields are validated before encoding")
        write(UInt32(raw.count))
        tail.append(contentsOf: raw)
    }

    /// Throws unless `value` is at most `limit`.
    static func check(_ value: Int, field: String, limit: Int) throws(WireError) {
        guard value <= limit else { throw .limitExceeded(field: field, value: value, limit: limit) }
    }
}
