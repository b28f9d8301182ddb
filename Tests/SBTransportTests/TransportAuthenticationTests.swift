import SBNetwork
import SBWire
import Testing

private let secret = "correct horse battery staple"

@Suite("Transport authentication with a namespace secret", .timeLimit(.minutes(1)))
struct TransportAuthenticationTests {
    @Test("Peers with the same secret authenticate and exchange tagged frames", arguments: Medium.allCases)
    func sameSecret(medium: Medium) async throws {
        let make = medium.transports()
        let server = make(try configuration(secret: secret))
        try await withEchoServer(server) { listener in
            let peer = try await make(try configuration(secret: secret)).connect(to: listener.localAddress)
            #expect(peer.isAuthenticated)
            for token in 0..<UInt64(20) {
                try await peer.send(.ping(token: token), timeout: patience)
                #expect(try await peer.receive(timeout: patience) == .pong(token: token))
            }
            await peer.close()
        }
        #expect(server.statistics.authenticationFailures == 0)
    }

    @Test("A wrong secret is refused at connect, and the server counts it", arguments: Medium.allCases)
    func wrongSecret(medium: Medium) async throws {
        let make = medium.transports()
        let server = make(try configuration(secret: secret))
        try await withEchoServer(server) { listener in
            let intruder = make(try configuration(secret: "not the namespace's secret"))
            await expectTransportError {
                try await intruder.connect(to: listener.localAddress)
            } matching: { error in
                guard case .rejectedByPeer(let refusal) = error else { return false }
                return refusal.code == .authenticationFailed
            }
        }
        #expect(try await eventually { server.statistics.authenticationFailures == 1 })
        #expect(server.statistics.handshakesCompleted == 0)
    }

    @Test("Without the secret a peer is refused at connect, on both sides", arguments: Medium.allCases)
    func missingSecret(medium: Medium) async throws {
        let make = medium.transports()
        let guarded = make(try configuration(secret: secret))
        try await withEchoServer(guarded) { listener in
            await expectTransportError(.secretRequired) {
                try await make(try configuration()).connect(to: listener.localAddress)
            }
        }
        #expect(try await eventually { guarded.statistics.authenticationFailures == 1 })

        let open = make(try configuration())
        try await withEchoServer(open) { listener in
            await expectTransportError(.peerNotAuthenticated) {
                try await make(try configuration(secret: secret)).connect(to: listener.localAddress)
            }
        }
        #expect(try await eventually { open.statistics.rejectedHandshakes == 1 })
    }

    @Test("A captured frame replayed on the same connection is rejected")
    func replayOnSameConnection() async throws {
        let server = TCPTransport(configuration: try configuration(secret: secret))
        let listener = try await server.listen(on: loopback)
        defer { listener.close() }
        let client = try await RawAuthenticatedClient.connect(to: listener.localAddress, secret: secret)
        var connections = listener.connections.makeAsyncIterator()
        let accepted = try #require(await connections.next())

        let ping = try client.seal(.ping(token: 7))
        try await client.connection.write(ping, timeout: patience)
        #expect(try await accepted.receive(timeout: patience) == .ping(token: 7))
        try await client.connection.write(ping, timeout: patience)  // the same bytes again
        await expectTransportError {
            try await accepted.receive(timeout: patience)
        } matching: { error in
            guard case .authenticationFailed(.tagMismatch) = error else { return false }
            return true
        }
        #expect(!accepted.isOpen)
        #expect(server.statistics.authenticationFailures == 1)
        client.connection.close()
    }

    @Test("A captured session replayed on a new connection is refused at the handshake")
    func replayOnNewConnection() async throws {
        let server = TCPTransport(configuration: try configuration(secret: secret))
        let listener = try await server.listen(on: loopback)
        defer { listener.close() }
        let client = try await RawAuthenticatedClient.connect(to: listener.localAddress, secret: secret)
        try await client.connection.write(try client.seal(.ping(token: 7)), timeout: patience)
        let captured = client.written
        client.connection.close()

        let replay = try await TCPConnection.connect(to: listener.localAddress, timeout: patience)
        try await replay.write(captured, timeout: patience)
        // The server's fresh nonce makes the recorded proof worthless: it refuses and closes.
        var received: [UInt8] = []
        while let bytes = try? await replay.read(upTo: 65_536, timeout: patience), !bytes.isEmpty,
            received.count < 1 << 20
        {
            received += bytes
        }
        var decoder = FrameDecoder()
        decoder.append(received)
        var messages: [Message] = []
        while let frame = try decoder.nextFrame() {
            messages.append(try Message(frame: frame))
        }
        guard case .error(let refusal) = messages.last else {
            Issue.record("expected an error message last, got \(messages.map(\.type))")
            return
        }
        #expect(refusal.code == .authenticationFailed)
        #expect(try await eventually { server.statistics.authenticationFailures == 1 })
        #expect(server.statistics.handshakesCompleted == 1)
        replay.close()
    }
}

/// A client that runs the authenticated handshake by hand over a raw ``TCPConnection``, so a test can
/// write the exact bytes of tagged frames, twice if it likes, and keep a copy of everything it wrote.
private final class RawAuthenticatedClient {
    let connection: TCPConnection
    private(set) var written: [UInt8] = []
    private var decoder = FrameDecoder()
    private var authenticator: FrameAuthenticator?

    private init(connection: TCPConnection) {
        self.connection = connection
    }

    static func connect(to address: SocketAddress, secret: String) async throws -> RawAuthenticatedClient {
        let client = RawAuthenticatedClient(connection: try await TCPConnection.connect(to: address, timeout: patience))
        let key = try NamespaceKey(secret: Array(secret.utf8), namespace: namespace)
        let hello = try Hello(nodeID: .random(), listenPort: 0, namespaces: [namespace])
        try await client.write(.hello(hello))
        guard case .hello(let serverHello) = try await client.read() else { throw TransportError.peerNotAuthenticated }
        var handshake = try SessionHandshake(role: .initiator, key: key, localHello: hello, remoteHello: serverHello)
        try await client.write(.authChallenge(handshake.challenge))
        guard case .authChallenge(let challenge) = try await client.read() else {
            throw TransportError.peerNotAuthenticated
        }
        try handshake.receive(challenge)
        try await client.write(.authResponse(try handshake.makeResponse()))
        guard case .authResponse(let proof) = try await client.read() else { throw TransportError.peerNotAuthenticated }
        client.authenticator = try handshake.verify(proof)
        return client
    }

    /// The bytes of `message` in a tagged frame, advancing the send counter once.
    func seal(_ message: Message) throws -> [UInt8] {
        var authenticator = try #require(authenticator)
        defer { self.authenticator = authenticator }
        let bytes = try authenticator.seal(try message.frame()).encoded()
        written += bytes
        return bytes
    }

    private func write(_ message: Message) async throws {
        let bytes = try message.frame().encoded()
        written += bytes
        try await connection.write(bytes, timeout: patience)
    }

    private func read() async throws -> Message {
        for _ in 0..<1_000 {
            if let frame = try decoder.nextFrame() { return try Message(frame: frame) }
            let bytes = try await connection.read(upTo: 65_536, timeout: patience)
            guard !bytes.isEmpty else { break }
            decoder.append(bytes)
        }
        throw TransportError.network(.closedByPeer)
    }
}
