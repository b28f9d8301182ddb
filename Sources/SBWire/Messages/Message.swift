/// Every message of the protocol, decoded.
///
/// A message becomes bytes in two steps: its payload (``encodedPayload()``), then a frame around
/// it (``frame(version:)``, or ``frames(transferID:maxPayloadSize:version:)`` for payloads that
/// may need chunks). Receiving reverses them: ``FrameDecoder`` yields frames and
/// ``init(frame:)`` decodes each, rejecting trailing bytes, so a payload has exactly one meaning.
///
/// ```swift
/// let bytes = try Message.ping(token: 7).frame().encoded()
///
/// var decoder = FrameDecoder()
/// decoder.append(bytes)
/// if let frame = try decoder.nextFrame(), case .ping(let token) = try Message(frame: frame) {
///     reply(try Message.pong(token: token).frame())
/// }
/// ```
public enum Message: Sendable, Equatable {
    /// Opens a connection (type 0x01).
    case hello(Hello)
    /// Starts the authentication handshake (0x02).
    case authChallenge(AuthChallenge)
    /// Answers the peer's challenge (0x03).
    case authResponse(AuthResponse)
    /// Reports an error (0x04).
    case error(ErrorMessage)
    /// Probes liveness; the peer answers with a pong carrying the same token (0x05).
    case ping(token: UInt64)
    /// Answers a ping (0x06).
    case pong(token: UInt64)
    /// Asks for a namespace's model (0x10).
    case modelRequest(ModelRequest)
    /// Carries a model (0x11).
    case modelResponse(ModelResponse)
    /// Carries locally trained weights (0x12).
    case updatePush(UpdatePush)
    /// Asks for a namespace's known members (0x20).
    case peerListRequest(PeerListRequest)
    /// Lists a namespace's known members (0x21).
    case peerList(PeerList)
    /// Carries one piece of a larger message (0x30).
    case chunk(Chunk)

    /// The type byte that goes in the frame header.
    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .authChallenge: .authChallenge
        case .authResponse: .authResponse
        case .error: .error
        case .ping: .ping
        case .pong: .pong
        case .modelRequest: .modelRequest
        case .modelResponse: .modelResponse
        case .updatePush: .updatePush
        case .peerListRequest: .peerListRequest
        case .peerList: .peerList
        case .chunk: .chunk
        }
    }
}
