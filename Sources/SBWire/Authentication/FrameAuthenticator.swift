/// Tags outgoing frames and verifies incoming ones on an authenticated session.
///
/// Each direction has its own key and a counter starting at 0. A frame's tag is HMAC-SHA256
/// over the counter, the header fields and the payload; the counter is not sent, both sides
/// keep it. So a frame that is altered, replayed, dropped, reordered, reflected back to its
/// sender or carried over from another session fails verification. The counter advances only on
/// success, and after a failure the session must be closed.
///
/// ```swift
/// var session = try handshake.verify(response)
/// let outgoing = try session.seal(try Message.ping(token: 1).frame())
/// let incoming = try session.open(frameFromDecoder)          // throws on any tampering
/// ```
public struct FrameAuthenticator: Sendable {
    private let sendMAC: HMACSHA256
    private let receiveMAC: HMACSHA256
    /// The counter the next sealed frame is tagged with.
    public private(set) var nextSendSequence: UInt64 = 0
    /// The counter the next opened frame must have been tagged with.
    public private(set) var nextReceiveSequence: UInt64 = 0

    init(sendKey: [UInt8], receiveKey: [UInt8]) {
        sendMAC = HMACSHA256(key: sendKey)
        receiveMAC = HMACSHA256(key: receiveKey)
    }

    /// Returns `frame` with its tag for the next send counter.
    ///
    /// - Throws: ``AuthenticationError/sequenceExhausted`` after 2⁶⁴ − 1 frames.
    public mutating func seal(_ frame: Frame) throws(AuthenticationError) -> Frame {
        let sequence = try Self.advance(&nextSendSequence)
        var sealed = frame
        sealed.authenticationTag = Self.tag(for: frame, sequence: sequence, keyed: sendMAC)
        return sealed
    }

    /// Verifies `frame`'s tag against the next receive counter and returns the frame.
    ///
    /// - Throws: ``AuthenticationError/missingTag(_:)`` for an untagged frame,
    ///   ``AuthenticationError/tagMismatch(sequence:)`` for a wrong tag, or
    ///   ``AuthenticationError/sequenceExhausted``.
    public mutating func open(_ frame: Frame) throws(AuthenticationError) -> Frame {
        guard let received = frame.authenticationTag else { throw .missingTag(frame.type) }
        let expected = Self.tag(for: frame, sequence: nextReceiveSequence, keyed: receiveMAC)
        guard ConstantTime.equals(received, expected) else { throw .tagMismatch(sequence: nextReceiveSequence) }
        _ = try Self.advance(&nextReceiveSequence)
        return frame
    }

    private static func advance(_ counter: inout UInt64) throws(AuthenticationError) -> UInt64 {
        guard counter < .max else { throw .sequenceExhausted }
        defer { counter += 1 }
        return counter
    }

    /// HMAC over the counter (little-endian), header bytes 0–11 with the authenticated flag set,
    /// and the payload.
    private static func tag(for frame: Frame, sequence: UInt64, keyed: HMACSHA256) -> [UInt8] {
        var mac = keyed
        var prefix: [UInt8] = []
        append(sequence, to: &prefix)
        prefix += Frame.headerPrefix(
            version: frame.version, type: frame.type.rawValue, flags: FrameFlags.authenticated.rawValue,
            payloadCount: frame.payloadCount)
        mac.update(prefix)
        for segment in frame.segments {
            mac.update(segment)
        }
        return mac.finalized()
    }
}
