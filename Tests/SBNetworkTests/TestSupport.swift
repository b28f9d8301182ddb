import SBNetwork
import Testing

/// A listener on 127.0.0.1 with a port the system picked.
func loopbackListener(backlog: Int = 128) throws -> TCPListener {
    try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0), backlog: backlog)
}

/// Every wait in these tests has a limit, so a broken loop fails a test instead of hanging the suite.
/// Upper bounds on elapsed time in the tests are loose: they tell "fired near its deadline" from
/// "hung until some other limit", on a loaded two-core machine.
let patience = Duration.seconds(10)

/// A connected pair over loopback: the client end and the end the listener accepted.
func connectedPair(listener: TCPListener) async throws -> (client: TCPConnection, server: TCPConnection) {
    async let accepted = listener.accept(timeout: patience)
    let client = try await TCPConnection.connect(to: listener.localAddress, timeout: patience)
    return (client, try await accepted)
}

/// Runs `body` with a connected loopback pair, then closes both ends and their listener.
func withLoopbackPair(_ body: (_ client: TCPConnection, _ server: TCPConnection) async throws -> Void) async throws {
    let listener = try loopbackListener()
    defer { listener.close() }
    let (client, server) = try await connectedPair(listener: listener)
    defer {
        client.close()
        server.close()
    }
    try await body(client, server)
}

/// Serves connections from `listener` by echoing every byte until the peer finishes; ends when the listener closes.
func startEchoServer(_ listener: TCPListener) -> Task<Void, Never> {
    Task {
        await withTaskGroup { group in
            while let connection = try? await listener.accept() {
                group.addTask {
                    while let bytes = try? await connection.read(upTo: 65_536, timeout: patience), !bytes.isEmpty {
                        guard (try? await connection.write(bytes, timeout: patience)) != nil else { break }
                    }
                    connection.close()
                }
            }
        }
    }
}

/// Measures how long `body` takes, returning its result too.
func timed<Result>(_ body: () async throws -> Result) async rethrows -> (Result, Duration) {
    let start = ContinuousClock.now
    let result = try await body()
    return (result, ContinuousClock.now - start)
}

/// Expects `body` to throw exactly `expected`.
func expectNetworkError<Result>(
    _ expected: NetworkError, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Result
) async {
    do {
        _ = try await body()
        Issue.record("expected \(expected), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as NetworkError {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}
