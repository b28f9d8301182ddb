/// The challenge–response handshake that opens an authenticated session on a namespace with a
/// secret, as a pure state machine: it consumes the peer's messages and produces this side's.
///
/// After both hellos, each side sends its ``challenge`` (a fresh nonce). Each answers the other's
/// with a proof, HMAC-SHA256 under the namespace's handshake key over a transcript of both hellos
/// and both nonces, labelled with the prover's role so that a proof cannot be reflected. The
/// initiator (the side that connected) proves first; the responder proves only after verifying,
/// so a stranger who connects learns nothing computed from the secret. Verifying the peer's
/// proof yields the ``FrameAuthenticator`` for the session, whose keys are derived from the same
/// transcript: frames from any other session, or the other direction, do not verify.
///
/// ```swift
/// // initiator                                       // responder
/// var handshake = try SessionHandshake(              var handshake = try SessionHandshake(
///     role: .initiator, key: key,                        role: .responder, key: key,
///     localHello: mine, remoteHello: theirs)             localHello: mine, remoteHello: theirs)
/// send(.authChallenge(handshake.challenge))          send(.authChallenge(handshake.challenge))
/// try handshake.receive(theirChallenge)              try handshake.receive(theirChallenge)
/// send(.authResponse(try handshake.makeResponse()))  var session = try handshake.verify(theirResponse)
/// var session = try handshake.verify(theirResponse)  send(.authResponse(try handshake.makeResponse()))
/// ```
public struct SessionHandshake: Sendable {
    /// Which end of the connection this side is.
    public enum Role: Sendable {
        /// The side that opened the connection; it proves first.
        case initiator
        /// The side that accepted the connection; it proves after verifying the initiator.
        case responder
    }

    /// This side's role.
    public let role: Role
    /// The challenge to send to the peer.
    public let challenge: AuthChallenge
    private let key: NamespaceKey
    private let localHello: [UInt8]
    private let remoteHello: [UInt8]
    private var transcriptHash: [UInt8]?
    private var verified = false

    /// Starts a handshake with a fresh nonce from the system's cryptographic generator.
    ///
    /// - Throws: ``AuthenticationError/invalidMessage(_:)`` if the key's namespace cannot be sent.
    public init(role: Role, key: NamespaceKey, localHello: Hello, remoteHello: Hello) throws(AuthenticationError) {
        var generator = SystemRandomNumberGenerator()
        try self.init(
            role: role, key: key, localHello: localHello, remoteHello: remoteHello,
            nonce: randomBytes(count: WireProtocol.nonceByteCount, using: &generator))
    }

    /// Starts a handshake with a given nonce, which must be random and never reused; tests pass
    /// fixed ones.
    ///
    /// - Throws: ``AuthenticationError/invalidMessage(_:)`` for a nonce that is not
    ///   ``WireProtocol/nonceByteCount`` bytes.
    public init(
        role: Role, key: NamespaceKey, localHello: Hello, remoteHello: Hello, nonce: [UInt8]
    ) throws(AuthenticationError) {
        do throws(WireError) {
            challenge = try AuthChallenge(namespace: key.namespace, nonce: nonce)
        } catch {
            throw .invalidMessage(error)
        }
        self.role = role
        self.key = key
        self.localHello = Message.hello(localHello).encodedPayload()
        self.remoteHello = Message.hello(remoteHello).encodedPayload()
    }

    /// Takes in the peer's challenge.
    ///
    /// - Throws: ``AuthenticationError/namespaceMismatch(expected:received:)``,
    ///   ``AuthenticationError/reflectedNonce``, or ``AuthenticationError/outOfOrder(_:)`` for a
    ///   second challenge.
    public mutating func receive(_ remote: AuthChallenge) throws(AuthenticationError) {
        guard transcriptHash == nil else { throw .outOfOrder("the peer sent a second challenge") }
        guard remote.namespace == key.namespace else {
            throw .namespaceMismatch(expected: key.namespace, received: remote.namespace)
        }
        guard !ConstantTime.equals(remote.nonce, challenge.nonce) else { throw .reflectedNonce }
        let (initiator, responder) = role == .initiator ? (challenge, remote) : (remote, challenge)
        let (initiatorHello, responderHello) =
            role == .initiator ? (localHello, remoteHello) : (remoteHello, localHello)
        var hash = SHA256()
        hash.update(Array("SBWire v1 transcript".utf8))
        for part in [initiatorHello, responderHello] {
            var length: [UInt8] = []
            append(UInt32(part.count), to: &length)
            hash.update(length)
            hash.update(part)
        }
        hash.update(initiator.nonce)
        hash.update(responder.nonce)
        transcriptHash = hash.finalized()
    }

    /// This side's proof, to send as an ``Message/authResponse(_:)``.
    ///
    /// - Throws: ``AuthenticationError/outOfOrder(_:)`` before the peer's challenge arrived, or,
    ///   for the responder, before the initiator's proof verified.
    public func makeResponse() throws(AuthenticationError) -> AuthResponse {
        guard let transcriptHash else { throw .outOfOrder("a proof needs the peer's challenge first") }
        guard role == .initiator || verified else {
            throw .outOfOrder("the responder proves only after verifying the initiator")
        }
        do throws(WireError) {
            return try AuthResponse(proof: proof(by: role, transcriptHash))
        } catch {
            throw .invalidMessage(error)
        }
    }

    /// Checks the peer's proof and returns the session's frame authenticator.
    ///
    /// - Throws: ``AuthenticationError/proofMismatch`` if the peer does not hold the secret, or
    ///   ``AuthenticationError/outOfOrder(_:)`` before the peer's challenge arrived.
    public mutating func verify(_ response: AuthResponse) throws(AuthenticationError) -> FrameAuthenticator {
        guard let transcriptHash else { throw .outOfOrder("a proof can be checked only after the peer's challenge") }
        let peer: Role = role == .initiator ? .responder : .initiator
        guard ConstantTime.equals(response.proof, proof(by: peer, transcriptHash)) else { throw .proofMismatch }
        verified = true
        let keys = NamespaceKey.expand(key.pseudoRandomKey, "SBWire v1 frame keys", context: transcriptHash, count: 64)
        let initiatorToResponder = Array(keys[0..<32])
        let responderToInitiator = Array(keys[32..<64])
        return role == .initiator
            ? FrameAuthenticator(sendKey: initiatorToResponder, receiveKey: responderToInitiator)
            : FrameAuthenticator(sendKey: responderToInitiator, receiveKey: initiatorToResponder)
    }

    private func proof(by prover: Role, _ transcriptHash: [UInt8]) -> [UInt8] {
        let label = prover == .initiator ? "SBWire v1 initiator proof" : "SBWire v1 responder proof"
        return HMACSHA256.authenticationCode(for: Array(label.utf8) + transcriptHash, key: key.handshakeKey)
    }
}
