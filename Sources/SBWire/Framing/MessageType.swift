/// The kind of message a frame carries: byte 5 of the frame header.
///
/// Values are grouped by purpose (session 0x0_, models 0x1_, peers 0x2_, transfers 0x3_) and never
/// reused; a type a receiver does not know is an error, because a later version that adds types
/// is negotiated in the hello first.
public enum MessageType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Opens a connection: node id, namespaces, capabilities, protocol versions.
    case hello = 0x01
    /// A namespace name and a fresh nonce the other side must answer.
    case authChallenge = 0x02
    /// The proof that answers the other side's challenge.
    case authResponse = 0x03
    /// An error code and text; the sender closes the connection after a fatal one.
    case error = 0x04
    /// A liveness probe carrying a token.
    case ping = 0x05
    /// The answer to a ping, echoing its token.
    case pong = 0x06
    /// Asks for a namespace's model.
    case modelRequest = 0x10
    /// A model: architecture, weights, version and sample count.
    case modelResponse = 0x11
    /// Locally trained weights sent to a peer for aggregation.
    case updatePush = 0x12
    /// Asks for the peers the receiver knows in a namespace.
    case peerListRequest = 0x20
    /// The peers the sender knows in a namespace.
    case peerList = 0x21
    /// One piece of a message too large for a single frame.
    case chunk = 0x30

    public var description: String {
        switch self {
        case .hello: "hello"
        case .authChallenge: "auth challenge"
        case .authResponse: "auth response"
        case .error: "error"
        case .ping: "ping"
        case .pong: "pong"
        case .modelRequest: "model request"
        case .modelResponse: "model response"
        case .updatePush: "update push"
        case .peerListRequest: "peer list request"
        case .peerList: "peer list"
        case .chunk: "chunk"
        }
    }
}
