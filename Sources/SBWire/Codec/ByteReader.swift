/// Reads protocol fields from a byte array, checking every read against the bytes that remain.
///
/// Nothing is allocated for a field before its declared size has been compared with what is
/// actually left, so a peer that declares a billion-element array in a ten-byte payload costs a
/// comparison, not a gigabyte. Every failure is a ``WireError`` naming the field.
///
/// ```swift
/// var reader = ByteReader(payload)
/// let count = try reader.readCount(UInt16.self, field: "namespaces", limit: 64, minimumElementSize: 3)
/// let first = try reader.readString(field: "namespace", maxBytes: 255)
/// try reader.expectEnd(of: .hello)
/// ```
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var position: Int

    /// Creates a reader positioned at the first byte of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = 0
    }

    /// The number of unread bytes.
    public var remaining: Int { bytes.count - position }

    /// Reads a little-endian integer.
    public mutating func read<T: FixedWidthInteger>(_ type: T.Type, field: String) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        try require(size, field: field)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: T.self) }
        position += size
        return T(littleEndian: value)
    }

    /// Reads a `Float` from its little-endian IEEE 754 bit pattern.
    public mutating func readFloat(field: String) throws(WireError) -> Float {
        Float(bitPattern: try read(UInt32.self, field: field))
    }

    /// Reads exactly `count` bytes.
    public mutating func readBytes(count: Int, field: String) throws(WireError) -> [UInt8] {
        try require(count, field: field)
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Reads exactly `count` bytes as a slice sharing the reader's storage, for large fields.
    mutating func readSlice(count: Int, field: String) throws(WireError) -> ArraySlice<UInt8> {
        try require(count, field: field)
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// Reads everything that remains as a slice sharing the reader's storage.
    mutating func readRemainingSlice() -> ArraySlice<UInt8> {
        defer { position = bytes.count }
        return bytes[position...]
    }

    /// Reads everything that remains.
    public mutating func readRemaining() -> [UInt8] {
        defer { position = bytes.count }
        return Array(bytes[position...])
    }

    /// Reads a string written as a UInt16 byte count and UTF-8 bytes.
    ///
    /// - Throws: ``WireError/limitExceeded(field:value:limit:)`` for a count above `maxBytes`,
    ///   ``WireError/truncated(field:needed:available:)`` if the bytes run out, and
    ///   ``WireError/invalidUTF8(field:)``.
    public mutating func readString(field: String, maxBytes: Int) throws(WireError) -> String {
        let count = Int(try read(UInt16.self, field: field))
        try ByteWriter.check(count, field: field, limit: maxBytes)
        let utf8 = try readBytes(count: count, field: field)
        guard let string = String(validating: utf8, as: UTF8.self) else { throw .invalidUTF8(field: field) }
        return string
    }

    /// Reads a byte string written as a UInt32 byte count and the bytes.
    public mutating func readLengthPrefixed(field: String, maxBytes: Int) throws(WireError) -> [UInt8] {
        let count = Int(try read(UInt32.self, field: field))
        try ByteWriter.check(count, field: field, limit: maxBytes)
        return try readBytes(count: count, field: field)
    }

    /// Reads an element count and checks it before anything is allocated for the elements.
    ///
    /// - Parameters:
    ///   - type: the count's width on the wire.
    ///   - limit: the protocol's maximum for this array.
    ///   - minimumElementSize: the fewest bytes one element can occupy; the count is rejected if
    ///     even elements that small would not fit in what remains.
    public mutating func readCount<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type, field: String, limit: Int, minimumElementSize: Int
    ) throws(WireError) -> Int {
        let count = Int(try read(T.self, field: field))
        try ByteWriter.check(count, field: field, limit: limit)
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumElementSize)
        guard !overflow, needed <= remaining else {
            throw .truncated(field: field, needed: overflow ? Int.max : needed, available: remaining)
        }
        return count
    }

    /// Throws unless every byte has been read, so that trailing garbage is never ignored.
    public func expectEnd(of type: MessageType) throws(WireError) {
        guard remaining == 0 else { throw .trailingBytes(messageType: type, count: remaining) }
    }

    private func require(_ count: Int, field: String) throws(WireError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(field: field, needed: count, available: remaining)
        }
    }
}
