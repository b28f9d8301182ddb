/// One unit on the stream: a message type and its encoded payload, with an optional
/// authentication tag.
///
/// The byte layout (docs/PROTOCOL.md, "Framing") is a 16-byte header carrying its own CRC-32C,
/// the payload, the 32-byte tag when ``FrameFlags/authenticated`` is set, and a CRC-32C over
/// payload and tag. Frames are built from messages (``Message/frame(version:)``), decoded from a
/// stream by ``FrameDecoder``, and tagged by ``FrameAuthenticator``.
///
/// ```swift
/// let frame = try Message.ping(token: 42).frame()
/// socket.write(frame.encoded())
/// ```
public struct Frame: Sendable, Equatable {
    /// The header's length in bytes.
    public static let headerByteCount = 16
    /// The length of the trailing CRC-32C in bytes.
    public static let trailerByteCount = 4

    /// The protocol version the payload is encoded in.
    public let version: UInt8
    /// What the payload holds.
    public let type: MessageType
    /// The encoded message, at most ``WireProtocol/maxFramePayload`` bytes.
    public let payload: [UInt8]
    /// The HMAC-SHA256 tag set by ``FrameAuthenticator/seal(_:)``, or nil for an untagged frame.
    public internal(set) var authenticationTag: [UInt8]?

    /// Creates an untagged frame.
    ///
    /// - Throws: ``WireError/frameTooLarge(declared:limit:)`` if the payload exceeds
    ///   ``WireProtocol/maxFramePayload``; send such messages with
    ///   ``Message/frames(transferID:maxPayloadSize:version:)``.
    public init(type: MessageType, payload: [UInt8], version: UInt8 = WireProtocol.currentVersion) throws(WireError) {
        guard payload.count <= WireProtocol.maxFramePayload else {
            throw .frameTooLarge(declared: payload.count, limit: WireProtocol.maxFramePayload)
        }
        self.init(version: version, type: type, payload: payload, authenticationTag: nil)
    }

    init(version: UInt8, type: MessageType, payload: [UInt8], authenticationTag: [UInt8]?) {
        self.version = version
        self.type = type
        self.payload = payload
        self.authenticationTag = authenticationTag
    }

    /// The header flags, which follow from the frame's content.
    public var flags: FrameFlags { authenticationTag == nil ? [] : .authenticated }

    /// The number of bytes ``encoded()`` produces.
    public var encodedByteCount: Int {
        Self.headerByteCount + payload.count + (authenticationTag?.count ?? 0) + Self.trailerByteCount
    }
}

/// Bits of header bytes 6–7. Bits this version does not define must be zero; a receiver rejects
/// a frame that sets one, since it cannot know what the sender meant.
public struct FrameFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// A 32-byte HMAC-SHA256 tag follows the payload.
    public static let authenticated = FrameFlags(rawValue: 1 << 0)

    /// Every flag this protocol version defines.
    public static let known: FrameFlags = [.authenticated]
}
