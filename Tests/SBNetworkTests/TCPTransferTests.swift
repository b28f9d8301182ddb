import SBNetwork
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("TCP listener and connection", .timeLimit(.minutes(1)))
struct TCPTransferTests {
    @Test("A listener on port 0 gets a free port and accepts a connection")
    func acceptOnPortZero() async throws {
        let listener = try loopbackListener()
        defer { listener.close() }
        #expect(listener.localAddress.port != 0)
        #expect(listener.localAddress.ip == .loopbackIPv4)
        let (client, server) = try await connectedPair(listener: listener)
        #expect(client.remoteAddress == listener.localAddress)
        #expect(server.remoteAddress == client.localAddress)
        #expect(server.localAddress == listener.localAddress)
        client.close()
        server.close()
    }

    @Test("Binding a port that a listener holds reports addressInUse")
    func addressInUse() throws {
        let listener = try loopbackListener()
        defer { listener.close() }
        #expect(throws: NetworkError.addressInUse(listener.localAddress)) {
            try TCPListener.bind(to: listener.localAddress)
        }
    }

    @Test("Bytes written come back from an echo server")
    func echo() async throws {
        let listener = try loopbackListener()
        let server = startEchoServer(listener)
        defer {
            listener.close()
            server.cancel()
        }
        let client = try await TCPConnection.connect(to: listener.localAddress, timeout: patience)
        let message = Array("hello, scatterbrained".utf8)
        try await client.write(message, timeout: patience)
        #expect(try await client.read(exactly: message.count, timeout: patience) == message)
        client.close()
    }

    @Test("1,000 small messages arrive complete and in order")
    func orderedMessages() async throws {
        try await withLoopbackPair { client, server in
            let count = 1_000
            async let sending: Void = {
                for index in 0..<count {
                    let number = UInt32(index)
                    let prefix = (0..<4).map { UInt8(truncatingIfNeeded: number >> ($0 * 8)) }
                    let message = prefix + [UInt8](repeating: 0xAB, count: 28)
                    try await client.write(message, timeout: patience)
                }
            }()
            var received: [UInt32] = []
            for _ in 0..<count {
                let message = try await server.read(exactly: 32, timeout: patience)
                received.append(message.prefix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) })
                #expect(message.suffix(28).allSatisfy { $0 == 0xAB })
            }
            try await sending
            #expect(received == (0..<UInt32(count)).map { $0 })
        }
    }

    @Test("64 MB each way at once arrive intact")
    func fullDuplexBulk() async throws {
        try await withLoopbackPair { client, server in
            let blockSize = 1 << 20
            let blocks = 64
            async let clientSends: Void = sendBlocks(blocks, of: blockSize, on: client)
            async let serverSends: Void = sendBlocks(blocks, of: blockSize, on: server)
            async let clientReceives = receiveBlocks(blocks, of: blockSize, on: client)
            async let serverReceives = receiveBlocks(blocks, of: blockSize, on: server)
            let (_, _, clientGot, serverGot) = try await (clientSends, serverSends, clientReceives, serverReceives)
            #expect(clientGot == blocks)
            #expect(serverGot == blocks)
        }
    }

    @Test("A gathered write of more parts than one system call takes arrives intact, in order")
    func gatheredWrite() async throws {
        try await withLoopbackPair { client, server in
            var generator = SystemRandomNumberGenerator()
            // Some empty, some larger than the socket buffers, so that sends stop in the middle of a part.
            let parts = (0..<150).map { index in
                [UInt8](
                    repeating: UInt8(truncatingIfNeeded: index),
                    count: index % 7 == 0 ? 0 : Int.random(in: 1...200_000, using: &generator))[...]
            }
            let expected = Array(parts.joined())
            async let written: Void = client.write(parts, deadline: .now + patience)
            let received = try await server.read(exactly: expected.count, timeout: patience)
            try await written
            #expect(received == expected)
        }
    }

    @Test("A read of a known size completes when the last bytes trickle in below the low-water mark")
    func trickledRead() async throws {
        try await withLoopbackPair { client, server in
            let size = 3 << 20
            let writer = Task {
                // Large pieces, then ever smaller ones with pauses, so that the reader waits for fewer bytes
                // than its low-water mark held a moment before.
                var offset = 0
                for piece in [1 << 20, 1 << 20, 700_000, 300_000, 40_000, 7_000, 1_000, 575, 1] {
                    try await client.write([UInt8](repeating: UInt8(truncatingIfNeeded: offset), count: piece))
                    offset += piece
                    try await Task.sleep(for: .milliseconds(20))
                }
                return offset
            }
            let received = try await server.read(exactly: size, timeout: patience)
            #expect(try await writer.value == size)
            #expect(received.count == size)
        }
    }

    @Test("A write waits while the peer does not read (back-pressure), then completes when it does")
    func writeWaitsForReader() async throws {
        try await withLoopbackPair { client, server in
            // Far more than loopback's socket buffers can hold (a few MB), so the write must suspend
            // rather than queue the rest in the process.
            let size = 64 << 20
            let finished = Flag()
            let writer = Task {
                try await client.write([UInt8](repeating: 7, count: size), timeout: patience)
                finished.set()
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(!finished.isSet, "a 64 MB write completed while nobody read")
            var received = 0
            for _ in 0..<(size >> 12) where received < size {
                received += try await server.read(upTo: 1 << 20, timeout: patience).count
            }
            try await writer.value
            #expect(received == size)
            #expect(finished.isSet)
        }
    }

    @Test("A reader and a writer wait on one socket: waking one leaves the other armed")
    func readerAndWriterWaitTogether() async throws {
        try await withLoopbackPair { client, server in
            // The event queue disarms a socket in both directions when it reports either, so the loop
            // must arm it again for the waiter that is still there.
            let reader = Task { try await client.read(upTo: 10, timeout: patience) }
            let size = 64 << 20
            let writer = Task { try await client.write([UInt8](repeating: 9, count: size), timeout: patience) }
            try await Task.sleep(for: .milliseconds(100))
            _ = try await server.read(exactly: size, timeout: patience)
            try await writer.value
            try await Task.sleep(for: .milliseconds(50))
            try await server.write([4, 2], timeout: patience)
            #expect(try await reader.value == [4, 2])
        }
    }

    @Test("200 concurrent connections on one event loop each get their own echo")
    func manyConnections() async throws {
        let loop = try EventLoop()
        defer { loop.shutdown() }
        let listener = try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0), backlog: 256, loop: loop)
        let server = startEchoServer(listener)
        defer {
            listener.close()
            server.cancel()
        }
        let echoed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let client = try await TCPConnection.connect(
                        to: listener.localAddress, timeout: patience, loop: loop)
                    defer { client.close() }
                    let message = Array("connection \(index)".utf8)
                    try await client.write(message, timeout: patience)
                    return try await client.read(exactly: message.count, timeout: patience) == message
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(echoed == 200)
    }

    @Test("Half-close: the peer reads end-of-stream, and can still answer")
    func halfClose() async throws {
        let listener = try loopbackListener()
        defer { listener.close() }
        let (client, server) = try await connectedPair(listener: listener)
        try await client.write(Array("request".utf8), timeout: patience)
        try client.shutdownWrite()
        #expect(try await server.read(exactly: 7, timeout: patience) == Array("request".utf8))
        #expect(try await server.read(upTo: 16, timeout: patience).isEmpty)
        try await server.write(Array("reply".utf8), timeout: patience)
        #expect(try await client.read(exactly: 5, timeout: patience) == Array("reply".utf8))
    }

    @Test("A graceful close drains the peer's last bytes and ends as soon as the peer closes")
    func gracefulClose() async throws {
        let listener = try loopbackListener()
        defer { listener.close() }
        let (client, server) = try await connectedPair(listener: listener)
        try await server.write([UInt8](repeating: 1, count: 100_000), timeout: patience)
        let start = ContinuousClock.now
        async let closing: Void = client.closeGracefully(timeout: patience)
        #expect(try await server.read(upTo: 16, timeout: patience).isEmpty)
        server.close()
        await closing
        #expect(ContinuousClock.now - start < .seconds(5))
        await expectNetworkError(.closed) { try await client.read(upTo: 1) }
    }
}

/// Writes `count` blocks whose first 8 bytes number them, reusing one buffer.
private func sendBlocks(_ count: Int, of size: Int, on connection: TCPConnection) async throws {
    var block = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    for index in 0..<count {
        for byte in 0..<8 { block[byte] = UInt8(truncatingIfNeeded: index >> (byte * 8)) }
        try await connection.write(block, timeout: patience)
    }
}

/// Reads `count` blocks written by `sendBlocks` and returns how many arrived intact and in order.
private func receiveBlocks(_ count: Int, of size: Int, on connection: TCPConnection) async throws -> Int {
    var expected = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    var intact = 0
    for index in 0..<count {
        for byte in 0..<8 { expected[byte] = UInt8(truncatingIfNeeded: index >> (byte * 8)) }
        let block = try await connection.read(exactly: size, timeout: patience)
        // memcmp, because comparing 64 MB element by element is slow in debug builds.
        let same = block.withUnsafeBytes { got in
            expected.withUnsafeBytes { memcmp(got.baseAddress!, $0.baseAddress!, size) == 0 }
        }
        intact += same ? 1 : 0
    }
    return intact
}

/// A flag one task sets and another reads.
private final class Flag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}
