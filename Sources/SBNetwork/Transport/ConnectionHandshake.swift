import SBWire

/// The opening of a connection as a pure state machine: it takes the peer's messages and returns
/// what to send and whether the session is open or refused. I/O and timing live in its driver.
///
/// Both sides send their hello at once. The hellos settle the protocol version (the highest both
/// list) and whether the session is authenticated: a hello carries
/// ``Hello/Capabilities/frameAuthentication`` exactly when its sender holds a namespace secret, so
/// each side knows after the hellos, without waiting, whether the other can authenticate. With a
/// secret on both sides, each sends a challenge; the initiator proves first and the responder proves
/// only after verifying it (``SessionHandshake``). Every refusal names an error message to send the
/// peer before closing, so both sides fail with a typed reason.
struct ConnectionHandshake {
    /// What the driver does next.
    enum Action {
        /// Send this message (untagged; the session is not open yet).
        case send(Message)
        /// The session is open; tag frames with the authenticator when there is one.
        case established(remoteHello: Hello, version: UInt8, authenticator: FrameAuthenticator?)
        /// The handshake failed: send `notify` to the peer if present, close, and report `error`.
        case fail(TransportError, notify: ErrorMessage?)
    }

    private enum State {
        case awaitingHello
        case awaitingChallenge(Hello, version: UInt8, SessionHandshake)
        case awaitingProof(Hello, version: UInt8, SessionHandshake)
        case finished
    }

    /// The header version of handshake frames: the oldest one, which every implementation reads,
    /// since no version has been agreed yet.
    static let frameVersion = WireProtocol.supportedVersions.lowerBound

    let role: SessionHandshake.Role
    let localHello: Hello
    private let key: NamespaceKey?
    private var state = State.awaitingHello

    /// Starts a handshake; send ``opening`` first.
    init(role: SessionHandshake.Role, localHello: Hello, key: NamespaceKey?) {
        self.role = role
        self.localHello = localHello
        self.key = key
    }

    /// The first message, sent by both sides without waiting for the other.
    var opening: Message { .hello(localHello) }

    /// Takes in the peer's next message.
    mutating func receive(_ message: Message) -> [Action] {
        if case .error(let refusal) = message {
            state = .finished
            return [.fail(.rejectedByPeer(refusal), notify: nil)]
        }
        switch (state, message) {
        case (.awaitingHello, .hello(let remote)):
            return receiveHello(remote)
        case (.awaitingChallenge(let remote, let version, var handshake), .authChallenge(let challenge)):
            do throws(AuthenticationError) {
                try handshake.receive(challenge)
                guard role == .initiator else {
                    state = .awaitingProof(remote, version: version, handshake)
                    return []
                }
                let proof = try handshake.makeResponse()
                state = .awaitingProof(remote, version: version, handshake)
                return [.send(.authResponse(proof))]
            } catch {
                return refuse(.authenticationFailed(error), code: .authenticationFailed)
            }
        case (.awaitingProof(let remote, let version, var handshake), .authResponse(let proof)):
            do throws(AuthenticationError) {
                let authenticator = try handshake.verify(proof)
                state = .finished
                let opened = Action.established(remoteHello: remote, version: version, authenticator: authenticator)
                return role == .responder ? [.send(.authResponse(try handshake.makeResponse())), opened] : [opened]
            } catch {
                return refuse(.authenticationFailed(error), code: .authenticationFailed)
            }
        default:
            return refuse(.unexpectedMessage(message.type, expected: expectation), code: .unexpectedMessage)
        }
    }

    private mutating func receiveHello(_ remote: Hello) -> [Action] {
        guard let version = localHello.negotiatedVersion(with: remote) else {
            return refuse(
                .noCommonVersion(local: localHello.versions, remote: remote.versions), code: .unsupportedVersion)
        }
        let remoteAuthenticates = remote.capabilities.contains(.frameAuthentication)
        guard let key else {
            guard !remoteAuthenticates else { return refuse(.secretRequired, code: .authenticationRequired) }
            state = .finished
            return [.established(remoteHello: remote, version: version, authenticator: nil)]
        }
        guard remoteAuthenticates else { return refuse(.peerNotAuthenticated, code: .authenticationRequired) }
        do throws(AuthenticationError) {
            let handshake = try SessionHandshake(role: role, key: key, localHello: localHello, remoteHello: remote)
            state = .awaitingChallenge(remote, version: version, handshake)
            return [.send(.authChallenge(handshake.challenge))]
        } catch {
            return refuse(.authenticationFailed(error), code: .internalError)
        }
    }

    /// What the current state waits for, for error messages.
    private var expectation: String {
        switch state {
        case .awaitingHello: "a hello"
        case .awaitingChallenge: "an authentication challenge"
        case .awaitingProof: "an authentication response"
        case .finished: "nothing (the handshake is over)"
        }
    }

    private mutating func refuse(_ error: TransportError, code: ErrorCode) -> [Action] {
        state = .finished
        // The text is this side's own description, far below the protocol's limit on error text.
        let notice = try? ErrorMessage(code: code, text: error.description)
        return [.fail(error, notify: notice)]
    }
}
