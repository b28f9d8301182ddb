import SBNetwork
import Testing

@Suite("TCP timeouts, cancellation and failures", .timeLimit(.minutes(1)))
struct TCPFailureTests {
    @Test("A read with no data times out close to its deadline")
    func readTimeout() async throws {
        try await withLoopbackPair { client, server in
            let start = ContinuousClock.now
            await expectNetworkError(.timedOut(.read)) { try await client.read(upTo: 10, timeout: .milliseconds(150)) }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(150) && elapsed < .seconds(5), "took \(elapsed)")
            // The connection survives a timeout.
            try await server.write([42], timeout: patience)
            #expect(try await client.read(upTo: 10, timeout: patience) == [42])
        }
    }

    @Test("Connecting to a port where nothing listens is refused at once")
    func connectionRefused() async throws {
        let listener = try loopbackListener()
        let address = listener.localAddress
        listener.close()
        let start = ContinuousClock.now
        await expectNetworkError(.connectionRefused(address)) {
            try await TCPConnection.connect(to: address, timeout: patience)
        }
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test("A connect the listener never answers times out")
    func connectTimeout() async throws {
        // With its accept queue full, a listener drops new SYNs; the client keeps retrying until its deadline.
        let listener = try loopbackListener(backlog: 0)
        defer { listener.close() }
        var queued: [TCPConnection] = []
        defer { queued.forEach { $0.close() } }
        var timedOut = false
        for _ in 0..<8 where !timedOut {
            let start = ContinuousClock.now
            do {
                queued.append(try await TCPConnection.connect(to: listener.localAddress, timeout: .milliseconds(300)))
            } catch NetworkError.timedOut(.connect) {
                timedOut = true
                let elapsed = ContinuousClock.now - start
                #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5), "took \(elapsed)")
            }
        }
        #expect(timedOut, "\(queued.count) connects succeeded and none timed out")
    }

    @Test("Cancelling a task waiting in read resumes it promptly with CancellationError")
    func cancelRead() async throws {
        try await withLoopbackPair { client, server in
            let reader = Task { try await client.read(upTo: 10) }
            try await Task.sleep(for: .milliseconds(50))
            let start = ContinuousClock.now
            reader.cancel()
            await #expect(throws: CancellationError.self) { try await reader.value }
            #expect(ContinuousClock.now - start < .seconds(2))
            // The cancelled wait is gone: a new read can wait and receive.
            try await server.write([7], timeout: patience)
            #expect(try await client.read(upTo: 10, timeout: patience) == [7])
        }
    }

    @Test("A task cancelled before it reads does not wait at all")
    func cancelledBeforeRead() async throws {
        try await withLoopbackPair { client, server in
            let reader = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.read(upTo: 10)
            }
            await #expect(throws: CancellationError.self) { try await reader.value }
        }
    }

    @Test("The peer closing in the middle of read(exactly:) gives closedByPeer")
    func closedByPeer() async throws {
        let listener = try loopbackListener()
        defer { listener.close() }
        let (client, server) = try await connectedPair(listener: listener)
        defer { client.close() }
        let reader = Task { try await client.read(exactly: 100, timeout: patience) }
        try await server.write([UInt8](repeating: 1, count: 10), timeout: patience)
        server.close()
        await expectNetworkError(.closedByPeer) { try await reader.value }
    }

    @Test("Closing a connection wakes the task reading it with closed")
    func closeWakesReader() async throws {
        let listener = try loopbackListener()
        defer { listener.close() }
        let (client, server) = try await connectedPair(listener: listener)
        defer { server.close() }
        let reader = Task { try await client.read(upTo: 10, timeout: patience) }
        try await Task.sleep(for: .milliseconds(50))
        client.close()
        await expectNetworkError(.closed) { try await reader.value }
        await expectNetworkError(.closed) { try await client.write([1]) }
    }

    @Test("Two overlapping reads on one connection: the second fails fast")
    func overlappingReads() async throws {
        try await withLoopbackPair { client, server in
            let first = Task { try await client.read(upTo: 10, timeout: patience) }
            try await Task.sleep(for: .milliseconds(50))
            await expectNetworkError(.concurrentOperation(.read)) { try await client.read(upTo: 10) }
            try await server.write([3], timeout: patience)
            #expect(try await first.value == [3])
        }
    }

    @Test("Shutting down an event loop wakes its waiters, and later calls fail")
    func loopShutdown() async throws {
        let loop = try EventLoop()
        let listener = try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0), loop: loop)
        defer { listener.close() }
        let acceptor = Task { try await listener.accept(timeout: patience) }
        try await Task.sleep(for: .milliseconds(50))
        loop.shutdown()
        await expectNetworkError(.eventLoopShutDown) { try await acceptor.value }
        #expect(throws: NetworkError.eventLoopShutDown) {
            try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0), loop: loop)
        }
    }
}
