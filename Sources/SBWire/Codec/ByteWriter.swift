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
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends an integer, little-endian.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a `Float` as its IEEE 754 bit pattern, little-endian.
    public mutating func write(_ value: Float) {
        write(value.bitPattern)
    }

    /// Appends bytes as they are, with no length prefix.
    public mutating func write(raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
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
        bytes.append(contentsOf: utf8)
    }

    /// Appends a byte string whose length the caller has validated.
    mutating func write(checkedLengthPrefixed raw: [UInt8]) {
        precondition(raw.count <= Int(UInt32.max), "byte string fields are validated before encoding")
        write(UInt32(raw.count))
        bytes.append(contentsOf: raw)
    }

    /// Throws unless `value` is at most `limit`.
    static func check(_ value: Int, field: String, limit: Int) throws(WireError) {
        guard value <= limit else { throw .limitExceeded(field: field, value: value, limit: limit) }
    }
}
