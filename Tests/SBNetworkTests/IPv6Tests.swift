import SBNetwork
import Testing

@Suite("IPv6", .timeLimit(.minutes(1)))
struct IPv6Tests {
    @Test("A connection over ::1 carries bytes both ways")
    func loopbackV6() async throws {
        let listener: TCPListener
        do {
            listener = try TCPListener.bind(to: SocketAddress(ip: .loopbackIPv6, port: 0))
        } catch {
            print("Skipping the IPv6 test: ::1 is unavailable here (\(error))")
            return
        }
        defer { listener.close() }
        #expect(listener.localAddress.ip == .loopbackIPv6)
        let (client, server) = try await connectedPair(listener: listener)
        defer {
            client.close()
            server.close()
        }
        #expect(server.remoteAddress.ip == .loopbackIPv6)
        #expect(client.remoteAddress.description == "[::1]:\(listener.localAddress.port)")
        try await client.write(Array("ping".utf8), timeout: patience)
        #expect(try await server.read(exactly: 4, timeout: patience) == Array("ping".utf8))
        try await server.write(Array("pong".utf8), timeout: patience)
        #expect(try await client.read(exactly: 4, timeout: patience) == Array("pong".utf8))
    }
}
