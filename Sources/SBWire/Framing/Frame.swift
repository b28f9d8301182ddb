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
    public var payload: [UInt8] { segments.count == 1 ? contiguousPayload : Array(segments.joined()) }
    /// The payload in pieces whose concatenation is ``payload``: a chunk built for sending keeps the
    /// model's own storage as a piece, so that its bytes go from the tensor to the socket uncopied.
    let segments: [ArraySlice<UInt8>]
    /// The payload of a frame built from one array (every received frame), handed out without a copy.
    private let contiguousPayload: [UInt8]
    /// The payload's length.
    let payloadCount: Int
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
        segments = [payload[...]]
        contiguousPayload = payload
        payloadCount = payload.count
        self.authenticationTag = authenticationTag
    }

    /// A frame whose payload is the concatenation of `segments`, which the caller keeps within the
    /// frame limit.
    init(version: UInt8, type: MessageType, segments: [ArraySlice<UInt8>]) {
        self.version = version
        self.type = type
        // One piece is kept as an array, which is what `payload` then returns.
        contiguousPayload = segments.count == 1 ? Array(segments[0]) : []
        self.segments = segments.count == 1 ? [contiguousPayload[...]] : segments
        payloadCount = segments.reduce(0) { $0 + $1.count }
        authenticationTag = nil
    }

    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.version == rhs.version && lhs.type == rhs.type && lhs.authenticationTag == rhs.authenticationTag
            && lhs.payloadCount == rhs.payloadCount && lhs.segments.joined().elementsEqual(rhs.segments.joined())
    }

    /// The header flags, which follow from the frame's content.
    public var flags: FrameFlags { authenticationTag == nil ? [] : .authenticated }

    /// The number of bytes ``encoded()`` produces.
    public var encodedByteCount: Int {
        Self.headerByteCount + payloadCount + (authenticationTag?.count ?? 0) + Self.trailerByteCount
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
