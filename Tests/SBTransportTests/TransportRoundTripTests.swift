import SBNetwork
import SBWire
import Testing

@Suite("Transport round trips over TCP and memory", .timeLimit(.minutes(1)))
struct TransportRoundTripTests {
    @Test("Handshake exchanges hellos, then a ping comes back as a pong", arguments: Medium.allCases)
    func pingPong(medium: Medium) async throws {
        let make = medium.transports()
        let server = make(try configuration())
        let client = make(try configuration())
        try await withEchoServer(server) { listener in
            let peer = try await client.connect(to: listener.localAddress)
            #expect(peer.remoteNodeID == server.configuration.nodeID)
            #expect(peer.remoteHello.namespaces == [namespace])
            #expect(peer.remoteHello.listenPort == listener.localAddress.port)
            #expect(peer.protocolVersion == WireProtocol.currentVersion)
            #expect(!peer.isAuthenticated)
            try await peer.send(.ping(token: 42), timeout: patience)
            #expect(try await peer.receive(timeout: patience) == .pong(token: 42))
            await peer.close()
            #expect(!peer.isOpen)
        }
        #expect(client.statistics.handshakesCompleted == 1)
        #expect(client.statistics.messagesSent == 1)
        #expect(client.statistics.bytesSent > 0)
    }

    @Test("1,000 messages arrive in the order they were sent", arguments: Medium.allCases)
    func ordered(medium: Medium) async throws {
        let make = medium.transports()
        let server = make(try configuration())
        let listener = try await server.listen(on: loopback)
        defer { listener.close() }
        let client = try await make(try configuration()).connect(to: listener.localAddress)
        var connections = listener.connections.makeAsyncIterator()
        let accepted = try #require(await connections.next())
        let count: UInt64 = 1_000
        async let sending: Void = {
            for token in 0..<count {
                try await client.send(.ping(token: token), timeout: patience)
            }
        }()
        var received: [UInt64] = []
        for _ in 0..<count {
            guard case .ping(let token) = try await accepted.receive(timeout: patience) else { break }
            received.append(token)
        }
        try await sending
        #expect(received == Array(0..<count))
        await client.close()
        await expectTransportError(.network(.closedByPeer)) { try await accepted.receive(timeout: patience) }
    }

    @Test("A 20 MB model response travels in chunks and comes back bit for bit", arguments: Medium.allCases)
    func largeModelRoundTrip(medium: Medium) async throws {
        let make = medium.transports()
        let model = try largeModel(floats: 5_000_000)
        var small = try configuration()
        // Smaller frames than the protocol's 16 MiB, so the model needs many chunks and so does the echo.
        small.maxFramePayload = 1 << 20
        let server = make(small)
        try await withEchoServer(server) { listener in
            let peer = try await make(small).connect(to: listener.localAddress)
            try await peer.send(.modelResponse(model), timeout: patience)
            let echoed = try await peer.receive(timeout: patience)
            #expect(echoed == .modelResponse(model))
            await peer.close()
        }
        #expect(server.statistics.messagesReceived == 1)
        #expect(server.statistics.bytesReceived > 20_000_000)
    }

    @Test("Peers without a common protocol version both fail with a typed error", arguments: Medium.allCases)
    func noCommonVersion(medium: Medium) async throws {
        let make = medium.transports()
        let server = make(try configuration())
        let listener = try await server.listen(on: loopback)
        defer { listener.close() }
        let future = make(try configuration(versions: [7, 8]))
        await expectTransportError(.noCommonVersion(local: [7, 8], remote: Array(WireProtocol.supportedVersions))) {
            try await future.connect(to: listener.localAddress)
        }
        #expect(try await eventually { server.statistics.rejectedHandshakes == 1 })
        #expect(server.statistics.handshakesCompleted == 0)
    }

    @Test("A connection pool reuses an open connection and replaces a closed one", arguments: Medium.allCases)
    func pool(medium: Medium) async throws {
        let make = medium.transports()
        let server = make(try configuration())
        let client = make(try configuration())
        try await withEchoServer(server) { listener in
            let pool = ConnectionPool(transport: client)
            async let first = pool.connection(to: listener.localAddress)
            async let second = pool.connection(to: listener.localAddress)
            let (a, b) = try await (first, second)
            #expect(a === b)
            #expect(await pool.connection(toNode: server.configuration.nodeID) === a)
            try await a.send(.ping(token: 1), timeout: patience)
            #expect(try await a.receive(timeout: patience) == .pong(token: 1))
            #expect(client.statistics.handshakesCompleted == 1)

            await a.close()
            let replacement = try await pool.connection(to: listener.localAddress)
            #expect(replacement !== a)
            #expect(replacement.isOpen)
            #expect(client.statistics.handshakesCompleted == 2)
            #expect(await pool.openConnectionCount == 1)
            await pool.closeAll()
            #expect(!replacement.isOpen)
        }
    }

    @Test("Connecting where nothing listens is refused", arguments: Medium.allCases)
    func refused(medium: Medium) async throws {
        let make = medium.transports()
        let listener = try await make(try configuration()).listen(on: loopback)
        let address = listener.localAddress
        listener.close()
        await expectTransportError(.network(.connectionRefused(address))) {
            try await make(try configuration()).connect(to: address)
        }
    }

    @Test("A receive times out and the connection stays usable", arguments: Medium.allCases)
    func receiveTimeout(medium: Medium) async throws {
        let make = medium.transports()
        try await withEchoServer(make(try configuration())) { listener in
            let peer = try await make(try configuration()).connect(to: listener.localAddress)
            await expectTransportError(.network(.timedOut(.read))) {
                try await peer.receive(timeout: .milliseconds(50))
            }
            try await peer.send(.ping(token: 9), timeout: patience)
            #expect(try await peer.receive(timeout: patience) == .pong(token: 9))
            await peer.close()
        }
    }

    @Test("Over IPv6 loopback: handshake, a 20 MB model in chunks, bit for bit, and the peer's address")
    func overIPv6() async throws {
        let server = TCPTransport(configuration: try configuration())
        let listener = try await server.listen(on: SocketAddress(ip: .loopbackIPv6, port: 0))
        let echo = startEchoServer(listener)
        defer {
            listener.close()
            echo.cancel()
        }
        let peer = try await TCPTransport(configuration: try configuration()).connect(to: listener.localAddress)
        #expect(peer.remoteNodeID == server.configuration.nodeID)
        #expect(peer.remoteAddress.ip == .loopbackIPv6)
        let model = Message.modelResponse(try largeModel(floats: 5_000_000))
        try await peer.send(model, timeout: patience)
        #expect(try await peer.receive(timeout: patience) == model)
        await peer.close()
    }

    @Test("Transports serve one listening socket in turn: the port stays, the newest transport answers")
    func transportsShareASocketInTurn() async throws {
        let socket = try TCPListener.bind(to: loopback)
        defer { socket.close() }
        let first = try configuration()
        let second = try configuration()
        let firstListener = try TCPTransport(configuration: first).serve(socket)
        // Served, so that the client's graceful closes are answered at once.
        let firstServer = startEchoServer(firstListener)
        let client = TCPTransport(configuration: try configuration())
        let early = try await client.connect(to: socket.localAddress, timeout: patience)
        #expect(early.remoteNodeID == first.nodeID)
        await firstListener.closeAndWait()

        // The socket still listens: a peer connecting now waits in its backlog for the next transport.
        let connecting = Task { try await client.connect(to: socket.localAddress, timeout: patience) }
        try await Task.sleep(for: .milliseconds(50))
        let secondListener = try TCPTransport(configuration: second).serve(socket)
        let secondServer = startEchoServer(secondListener)
        let late = try await connecting.value
        #expect(late.remoteNodeID == second.nodeID)
        #expect(late.remoteHello.listenPort == socket.localAddress.port)
        await early.close()
        await late.close()
        secondListener.close()
        firstServer.cancel()
        secondServer.cancel()
    }
}
