/// Why bytes received from a peer, or values about to be sent, are not valid protocol data.
///
/// Every malformed input maps to one of these cases; decoding never traps. The messages name the
/// field and the limit involved, so a log line is enough to tell a foreign or corrupted stream
/// from a peer speaking a different protocol version.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream or datagram does not start with the protocol's magic bytes: it is not SBWire.
    case badMagic([UInt8])
    /// The header names a protocol version this side does not speak.
    case unsupportedVersion(UInt8, supported: ClosedRange<UInt8>)
    /// The header names a message type this version does not define.
    case unknownMessageType(UInt8)
    /// The header sets flag bits this version does not define.
    case unknownFlags(UInt16)
    /// The header's own CRC-32C does not match: the header is corrupted.
    case headerChecksumMismatch(expected: UInt32, actual: UInt32)
    /// The CRC-32C over a frame's payload, or over a datagram, does not match.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// A header declares a payload larger than the receiver accepts.
    case frameTooLarge(declared: Int, limit: Int)
    /// The stream ended in the middle of a frame.
    case truncatedFrame(bufferedBytes: Int)
    /// A field needs more bytes than the payload has left.
    case truncated(field: String, needed: Int, available: Int)
    /// A payload has bytes left over after its last field.
    case trailingBytes(messageType: MessageType, count: Int)
    /// A length, count or size exceeds the protocol's limit for that field.
    case limitExceeded(field: String, value: Int, limit: Int)
    /// A string field is not valid UTF-8.
    case invalidUTF8(field: String)
    /// A field holds a value the protocol does not allow.
    case invalidValue(field: String, reason: String)
    /// Two tensors in one message have the same name.
    case duplicateTensorName(String)
    /// A tensor holds NaN or infinity, which 8-bit affine quantization cannot represent.
    case nonFiniteValue(tensor: String)
    /// A chunk of a transfer arrived a second time.
    case duplicateChunk(transferID: UInt64, index: UInt32)
    /// A chunk arrived before the one that must precede it.
    case chunkOutOfOrder(transferID: UInt64, expected: UInt32, received: UInt32)
    /// A chunk's transfer description differs from the first chunk's.
    case inconsistentChunk(transferID: UInt64, reason: String)
    /// A transfer declares more bytes than the receiver accepts.
    case transferTooLarge(transferID: UInt64, declared: UInt64, limit: Int)
    /// The last chunk arrived but the bytes received do not add up to the declared size.
    case incompleteTransfer(transferID: UInt64, received: Int, declared: UInt64)
    /// A new transfer started while the receiver already holds its maximum of unfinished ones.
    case tooManyTransfers(limit: Int)

    public var description: String {
        switch self {
        case .badMagic(let bytes):
            return "not SBWire data: expected magic bytes f5534257 (frames) or f5534244 (datagrams), "
                + "got \(hexString(bytes))"
        case .unsupportedVersion(let version, let supported):
            return "protocol version \(version) is not supported (this peer speaks \(supported)); upgrade one side"
        case .unknownMessageType(let type):
            return "message type 0x\(String(type, radix: 16)) is not defined in this protocol version"
        case .unknownFlags(let flags):
            return "frame flags 0x\(String(flags, radix: 16)) set bits this protocol version does not define"
        case .headerChecksumMismatch(let expected, let actual):
            return "frame header is corrupted: CRC-32C is 0x\(hex(actual)), header says 0x\(hex(expected))"
        case .checksumMismatch(let expected, let actual):
            return "data is corrupted: CRC-32C is 0x\(hex(actual)), sender's is 0x\(hex(expected))"
        case .frameTooLarge(let declared, let limit):
            return "frame declares a \(declared)-byte payload, above this receiver's limit of \(limit) bytes; "
                + "larger messages must be sent in chunks"
        case .truncatedFrame(let buffered):
            return "the stream ended in the middle of a frame (\(buffered) bytes of it received)"
        case .truncated(let field, let needed, let available):
            return "\(field) needs \(needed) bytes but only \(available) remain in the payload"
        case .trailingBytes(let type, let count):
            return "\(type) payload has \(count) unexpected bytes after its last field"
        case .limitExceeded(let field, let value, let limit):
            return "\(field) is \(value), above the protocol limit of \(limit)"
        case .invalidUTF8(let field):
            return "\(field) is not valid UTF-8"
        case .invalidValue(let field, let reason):
            return "\(field) is invalid: \(reason)"
        case .duplicateTensorName(let name):
            return "tensor '\(name)' appears more than once in one message"
        case .nonFiniteValue(let tensor):
            return "tensor '\(tensor)' holds NaN or infinity, which int8 quantization cannot encode; "
                + "send it as float32 or float16"
        case .duplicateChunk(let transfer, let index):
            return "transfer \(transfer): chunk \(index) was already received"
        case .chunkOutOfOrder(let transfer, let expected, let received):
            return "transfer \(transfer): expected chunk \(expected) next but received chunk \(received); "
                + "chunks in between are missing"
        case .inconsistentChunk(let transfer, let reason):
            return "transfer \(transfer): \(reason)"
        case .transferTooLarge(let transfer, let declared, let limit):
            return "transfer \(transfer) declares \(declared) bytes, above this receiver's limit of \(limit) bytes"
        case .incompleteTransfer(let transfer, let received, let declared):
            return "transfer \(transfer) ended after \(received) of its declared \(declared) bytes"
        case .tooManyTransfers(let limit):
            return "a new transfer started while \(limit) unfinished transfers are pending; finish or cancel one first"
        }
    }
}

/// A checksum as eight hexadecimal digits, most significant first.
private func hex(_ value: UInt32) -> String {
    hexString(withUnsafeBytes(of: value.bigEndian, Array.init))
}
