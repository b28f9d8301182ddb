import SBWire
import Testing

@Suite("Handshake and frame authentication")
struct AuthenticationTests {
    static let secret = utf8("correct horse battery staple")
    let key = try! NamespaceKey(secret: secret, namespace: "digits")
    let initiatorHello = Fixtures.hello(Fixtures.nodeA, namespaces: ["digits"])
    let responderHello = Fixtures.hello(Fixtures.nodeB, namespaces: ["digits"])

    /// Runs the whole handshake in the documented order; returns both sides' sessions.
    func handshake(
        initiatorKey: NamespaceKey? = nil, responderKey: NamespaceKey? = nil, nonces: ([UInt8], [UInt8])? = nil
    ) throws -> (initiator: FrameAuthenticator, responder: FrameAuthenticator) {
        var initiator: SessionHandshake
        var responder: SessionHandshake
        if let nonces {
            initiator = try SessionHandshake(
                role: .initiator, key: initiatorKey ?? key, localHello: initiatorHello, remoteHello: responderHello,
                nonce: nonces.0)
            responder = try SessionHandshake(
                role: .responder, key: responderKey ?? key, localHello: responderHello, remoteHello: initiatorHello,
                nonce: nonces.1)
        } else {
            initiator = try SessionHandshake(
                role: .initiator, key: initiatorKey ?? key, localHello: initiatorHello, remoteHello: responderHello)
            responder = try SessionHandshake(
                role: .responder, key: responderKey ?? key, localHello: responderHello, remoteHello: initiatorHello)
        }
        try initiator.receive(roundTrip(responder.challenge))
        try responder.receive(roundTrip(initiator.challenge))
        let responderSession = try responder.verify(roundTrip(initiator.makeResponse()))
        let initiatorSession = try initiator.verify(roundTrip(responder.makeResponse()))
        return (initiatorSession, responderSession)
    }

    /// Sends handshake messages through the codec, as they would travel.
    func roundTrip(_ challenge: AuthChallenge) throws -> AuthChallenge {
        guard
            case .authChallenge(let decoded) = try Message(
                frame: decodeFrames(encodedFrame(.authChallenge(challenge)))[0])
        else { throw WireError.unknownMessageType(0) }
        return decoded
    }

    func roundTrip(_ response: AuthResponse) throws -> AuthResponse {
        guard
            case .authResponse(let decoded) = try Message(frame: decodeFrames(encodedFrame(.authResponse(response)))[0])
        else { throw WireError.unknownMessageType(0) }
        return decoded
    }

    @Test("Both sides holding the secret authenticate, and frames flow both ways")
    func success() throws {
        var (initiator, responder) = try handshake()
        for token in UInt64(0)..<5 {
            let frame = try initiator.seal(Message.ping(token: token).frame())
            let received = try decodeFrames(frame.encoded())[0]
            #expect(received.flags == .authenticated)
            #expect(try Message(frame: responder.open(received)) == .ping(token: token))
            let reply = try responder.seal(Message.pong(token: token).frame())
            #expect(try Message(frame: initiator.open(decodeFrames(reply.encoded())[0])) == .pong(token: token))
        }
        #expect(initiator.nextSendSequence == 5 && responder.nextReceiveSequence == 5)
    }

    @Test("A peer with the wrong secret is refused by the responder before it proves anything")
    func wrongSecretInitiator() throws {
        let wrong = try NamespaceKey(secret: utf8("incorrect horse battery staple"), namespace: "digits")
        var initiator = try SessionHandshake(
            role: .initiator, key: wrong, localHello: initiatorHello, remoteHello: responderHello)
        var responder = try SessionHandshake(
            role: .responder, key: key, localHello: responderHello, remoteHello: initiatorHello)
        try initiator.receive(responder.challenge)
        try responder.receive(initiator.challenge)
        #expect(throws: AuthenticationError.outOfOrder("the responder proves only after verifying the initiator")) {
            try responder.makeResponse()
        }
        #expect(throws: AuthenticationError.proofMismatch) { try responder.verify(initiator.makeResponse()) }
        #expect(throws: AuthenticationError.self) { try responder.makeResponse() }
    }

    @Test("A responder with the wrong secret is refused by the initiator")
    func wrongSecretResponder() throws {
        let wrong = try NamespaceKey(secret: utf8("incorrect horse battery staple"), namespace: "digits")
        #expect(throws: AuthenticationError.proofMismatch) { try handshake(responderKey: wrong) }
    }

    @Test("A proof recorded in one session does not verify in another")
    func proofReplay() throws {
        var first = try SessionHandshake(
            role: .initiator, key: key, localHello: initiatorHello, remoteHello: responderHello)
        var victim = try SessionHandshake(
            role: .responder, key: key, localHello: responderHello, remoteHello: initiatorHello)
        try first.receive(victim.challenge)
        let recorded = try first.makeResponse()
        var later = try SessionHandshake(
            role: .responder, key: key, localHello: responderHello, remoteHello: initiatorHello)
        try later.receive(try AuthChallenge(namespace: "digits", nonce: first.challenge.nonce))
        #expect(throws: AuthenticationError.proofMismatch) { try later.verify(recorded) }
        try victim.receive(first.challenge)
        _ = try victim.verify(recorded)
    }

    @Test("A captured frame replayed is rejected, and so is a reordered one")
    func replayAndReorder() throws {
        var (initiator, responder) = try handshake()
        let first = try initiator.seal(Message.ping(token: 1).frame())
        let second = try initiator.seal(Message.ping(token: 2).frame())
        _ = try responder.open(first)
        #expect(throws: AuthenticationError.tagMismatch(sequence: 1)) { try responder.open(first) }
        var (_, fresh) = try handshake(nonces: (Array(repeating: 1, count: 32), Array(repeating: 2, count: 32)))
        #expect(throws: AuthenticationError.tagMismatch(sequence: 0)) { try fresh.open(second) }
        _ = try responder.open(second)
    }

    @Test("A frame from an earlier session with the same peers is rejected")
    func crossSessionReplay() throws {
        var (oldInitiator, _) = try handshake()
        let captured = try oldInitiator.seal(Message.ping(token: 1).frame())
        var (_, newResponder) = try handshake()
        #expect(throws: AuthenticationError.tagMismatch(sequence: 0)) { try newResponder.open(captured) }
    }

    @Test("A frame reflected back to its sender is rejected")
    func reflection() throws {
        var (initiator, _) = try handshake()
        let frame = try initiator.seal(Message.ping(token: 1).frame())
        #expect(throws: AuthenticationError.tagMismatch(sequence: 0)) { try initiator.open(frame) }
    }

    @Test("Any tampered byte fails, even with the CRCs recomputed", arguments: [0, 4, 5, 7, 8, 16, 20, 23, 24, 55])
    func tampering(offset: Int) throws {
        var (initiator, responder) = try handshake()
        var bytes = try initiator.seal(Message.ping(token: 0x0102_0304).frame()).encoded()
        #expect(bytes.count == 60)
        bytes[offset] ^= 0x01
        // An attacker fixes both checksums so only the tag can catch the change.
        bytes.replaceSubrange(
            12..<16, with: withUnsafeBytes(of: CRC32C.checksum(bytes[0..<12]).littleEndian, Array.init))
        bytes.replaceSubrange(
            56..<60, with: withUnsafeBytes(of: CRC32C.checksum(bytes[16..<56]).littleEndian, Array.init))
        do {
            let frame = try decodeFrames(bytes)[0]
            #expect(throws: AuthenticationError.self) { try responder.open(frame) }
        } catch {
            // Edits to magic, version, type, flags or length already fail in the decoder.
            #expect(offset < 12)
        }
    }

    @Test("An untagged frame on an authenticated session is refused")
    func missingTag() throws {
        var (_, responder) = try handshake()
        #expect(throws: AuthenticationError.missingTag(.ping)) { try responder.open(Message.ping(token: 1).frame()) }
    }

    @Test("Handshake misuse is refused: wrong namespace, reflected nonce, repeated challenge, weak secret")
    func misuse() throws {
        var handshake = try SessionHandshake(
            role: .initiator, key: key, localHello: initiatorHello, remoteHello: responderHello)
        #expect(throws: AuthenticationError.outOfOrder("a proof needs the peer's challenge first")) {
            try handshake.makeResponse()
        }
        #expect(throws: AuthenticationError.namespaceMismatch(expected: "digits", received: "other")) {
            try handshake.receive(AuthChallenge(namespace: "other", nonce: Array(repeating: 0, count: 32)))
        }
        #expect(throws: AuthenticationError.reflectedNonce) { try handshake.receive(handshake.challenge) }
        try handshake.receive(AuthChallenge(namespace: "digits", nonce: Array(repeating: 0, count: 32)))
        #expect(throws: AuthenticationError.self) {
            try handshake.receive(AuthChallenge(namespace: "digits", nonce: Array(repeating: 1, count: 32)))
        }
        #expect(throws: AuthenticationError.weakSecret(byteCount: 7, minimum: 16)) {
            try NamespaceKey(secret: utf8("hunter2"), namespace: "digits")
        }
        #expect(key.description == "NamespaceKey(namespace: digits)")
    }

    @Test("Secrets give namespace-bound discovery tags that differ from the open tag")
    func discoveryTags() throws {
        let other = try NamespaceKey(secret: Self.secret, namespace: "mnist")
        #expect(key.discoveryTag != other.discoveryTag)
        #expect(key.discoveryTag != NamespaceTag(openNamespace: "digits"))
        #expect(key.discoveryTag == (try NamespaceKey(secret: Self.secret, namespace: "digits")).discoveryTag)
    }
}
