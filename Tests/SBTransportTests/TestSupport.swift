import SBNetwork
import SBWire
import Testing

/// Every wait in these tests has a limit, so a broken transport fails a test instead of hanging the suite.
let patience = Duration.seconds(10)

/// The two transports every behaviour is checked on.
enum Medium: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case tcp, memory

    var testDescription: String { rawValue }

    /// A factory of transports that can reach each other: TCP on loopback, or one shared in-memory network.
    func transports() -> @Sendable (TransportConfiguration) -> any Transport {
        switch self {
        case .tcp:
            return { TCPTransport(configuration: $0) }
        case .memory:
            let network = InMemoryNetwork()
            return { InMemoryTransport(configuration: $0, network: network) }
        }
    }
}

let loopback = SocketAddress(ip: .loopbackIPv4, port: 0)
let namespace = "MyFirstNamespace"

func configuration(secret: String? = nil, versions: [UInt8]? = nil) throws -> TransportConfiguration {
    var configuration = TransportConfiguration(nodeID: .random(), namespaces: [namespace])
    if let secret {
        configuration.namespaceKey = try NamespaceKey(secret: Array(secret.utf8), namespace: namespace)
    }
    if let versions { configuration.versions = versions }
    return configuration
}

/// Serves every connection of `listener`: answers pings with pongs and echoes every other message,
/// until the peer closes. Ends when the listener closes.
func startEchoServer(_ listener: PeerListener) -> Task<Void, Never> {
    Task {
        await withDiscardingTaskGroup { group in
            for await connection in listener.connections {
                group.addTask {
                    while let message = try? await connection.receive(timeout: patience) {
                        let reply: Message = if case .ping(let token) = message { .pong(token: token) } else { message }
                        guard (try? await connection.send(reply, timeout: patience)) != nil else { break }
                    }
                    await connection.close()
                }
            }
        }
    }
}

/// A server transport listening on loopback with an echo server, torn down by `body`'s end.
func withEchoServer<Result>(
    _ transport: any Transport, _ body: (PeerListener) async throws -> Result
) async throws -> Result {
    let listener = try await transport.listen(on: loopback)
    let server = startEchoServer(listener)
    defer {
        listener.close()
        server.cancel()
    }
    return try await body(listener)
}

/// A model response of about `floats` × 4 bytes of float32 weights with a recognisable bit pattern.
func largeModel(floats: Int) throws -> ModelResponse {
    let half = floats / 2
    let tensors = try [(name: "0.weight", count: half), (name: "0.bias", count: floats - half)].map { tensor in
        var data = [UInt8](repeating: 0, count: tensor.count * 4)
        data.withUnsafeMutableBytes { bytes in
            let words = bytes.bindMemory(to: UInt32.self)
            for index in words.indices {
                words[index] = UInt32(truncatingIfNeeded: index &* 2_654_435_761) | 0x3F00_0000
            }
        }
        return try WireTensor(name: tensor.name, shape: [tensor.count], element: .float32, data: data)
    }
    return try ModelResponse(
        requestID: 1, namespace: namespace, modelVersion: 3, sampleCount: 442,
        architecture: Array(#"{"type":"Linear"}"#.utf8),
        tensors: tensors)
}

/// Waits until `condition` holds, checking every 10 ms for at most `limit`.
func eventually(within limit: Duration = patience, _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
    return true
}

/// Expects `body` to throw `expected`.
func expectTransportError<Result>(
    _ expected: TransportError, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Result
) async {
    await expectTransportError(sourceLocation: sourceLocation, body) { $0 == expected }
}

/// Expects `body` to throw a ``TransportError`` that `matches`.
func expectTransportError<Result>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Result,
    matching matches: (TransportError) -> Bool
) async {
    do {
        _ = try await body()
        Issue.record("expected a transport error, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as TransportError {
        #expect(matches(error), "unexpected \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a transport error, got \(error)", sourceLocation: sourceLocation)
    }
}
