/// An error reported to the peer: a machine-readable code and a human-readable text.
///
/// Sent before closing a connection on a fatal problem (no common version, failed
/// authentication, a malformed frame) and as the answer to a request that cannot be served.
///
/// ```swift
/// let error = try ErrorMessage(code: .unknownNamespace, text: "this node does not serve 'mnist'")
/// ```
public struct ErrorMessage: Sendable, Equatable {
    /// What went wrong, for programs.
    public let code: ErrorCode
    /// What went wrong, for people; at most ``WireProtocol/maxErrorTextBytes`` UTF-8 bytes.
    public let text: String

    /// Creates an error message.
    ///
    /// - Throws: ``WireError/limitExceeded(field:value:limit:)`` if `text` is too long.
    public init(code: ErrorCode, text: String) throws(WireError) {
        try ByteWriter.check(text.utf8.count, field: "error text", limit: WireProtocol.maxErrorTextBytes)
        self.code = code
        self.text = text
    }
}

/// A code in an ``ErrorMessage``. Codes are open-ended: one this version does not name still
/// decodes, so a newer peer's errors reach the log instead of breaking the connection.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The hellos share no protocol version; the connection closes.
    public static let unsupportedVersion = ErrorCode(rawValue: 1)
    /// The namespace has a secret and the peer did not authenticate; the connection closes.
    public static let authenticationRequired = ErrorCode(rawValue: 2)
    /// The peer's proof or a frame tag did not verify; the connection closes.
    public static let authenticationFailed = ErrorCode(rawValue: 3)
    /// The receiver does not take part in the named namespace.
    public static let unknownNamespace = ErrorCode(rawValue: 4)
    /// A frame or payload did not decode; the connection closes.
    public static let malformedFrame = ErrorCode(rawValue: 5)
    /// A frame or transfer exceeds the receiver's limits; the connection closes.
    public static let tooLarge = ErrorCode(rawValue: 6)
    /// No model is available (yet) for the request.
    public static let modelUnavailable = ErrorCode(rawValue: 7)
    /// The receiver is overloaded; retry later.
    public static let busy = ErrorCode(rawValue: 8)
    /// The message is valid but not allowed in the connection's current state.
    public static let unexpectedMessage = ErrorCode(rawValue: 9)
    /// The receiver failed for a reason of its own.
    public static let internalError = ErrorCode(rawValue: 10)

    public var description: String {
        let names: [ErrorCode: String] = [
            .unsupportedVersion: "unsupported version", .authenticationRequired: "authentication required",
            .authenticationFailed: "authentication failed", .unknownNamespace: "unknown namespace",
            .malformedFrame: "malformed frame", .tooLarge: "too large", .modelUnavailable: "model unavailable",
            .busy: "busy", .unexpectedMessage: "unexpected message", .internalError: "internal error",
        ]
        return names[self] ?? "error code \(rawValue)"
    }
}

extension ErrorMessage: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(code.rawValue)
        writer.write(checkedString: text)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let code = ErrorCode(rawValue: try reader.read(UInt16.self, field: "error code"))
        try self.init(
            code: code, text: try reader.readString(field: "error text", maxBytes: WireProtocol.maxErrorTextBytes))
    }
}
