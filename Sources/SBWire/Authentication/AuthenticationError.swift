/// Why a handshake or an authenticated frame was refused.
///
/// Any of these ends the session: send an ``ErrorMessage`` with
/// ``ErrorCode/authenticationFailed`` (or ``ErrorCode/authenticationRequired``) and close.
public enum AuthenticationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The namespace secret is too short to resist guessing.
    case weakSecret(byteCount: Int, minimum: Int)
    /// A handshake value is malformed (a namespace or nonce that breaks the protocol's rules).
    case invalidMessage(WireError)
    /// The peer's challenge names a different namespace than this side authenticates for.
    case namespaceMismatch(expected: String, received: String)
    /// The peer's challenge echoes this side's own nonce, the signature of a reflection attack.
    case reflectedNonce
    /// A handshake step was taken before the step it depends on.
    case outOfOrder(String)
    /// The peer's proof does not verify: it does not hold the namespace secret, or the
    /// handshake was tampered with.
    case proofMismatch
    /// A frame without a tag arrived on an authenticated session.
    case missingTag(MessageType)
    /// A frame's tag does not verify: it was altered, replayed, reordered or forged.
    case tagMismatch(sequence: UInt64)
    /// 2⁶⁴ frames were sent or received on one session; a new session is needed.
    case sequenceExhausted

    public var description: String {
        switch self {
        case .weakSecret(let count, let minimum):
            return "a namespace secret of \(count) bytes is too short; use at least \(minimum) random bytes"
        case .invalidMessage(let error):
            return "invalid handshake message: \(error)"
        case .namespaceMismatch(let expected, let received):
            return "the peer authenticates for namespace '\(received)', this session is for '\(expected)'"
        case .reflectedNonce:
            return "the peer's challenge repeats this side's nonce; refusing a reflected handshake"
        case .outOfOrder(let step):
            return "handshake step out of order: \(step)"
        case .proofMismatch:
            return "the peer's proof does not verify: it does not hold the namespace secret"
        case .missingTag(let type):
            return "a \(type) frame arrived without an authentication tag on an authenticated session"
        case .tagMismatch(let sequence):
            return "frame \(sequence)'s authentication tag does not verify: it was altered, replayed or forged"
        case .sequenceExhausted:
            return "the session's frame counter is exhausted; reconnect to start a new session"
        }
    }
}
