import SBNetwork
import SBWire
import Testing

@Suite("Garbage on the TCP port", .timeLimit(.minutes(1)))
struct TransportRobustnessTests {
    /// What a hostile or broken peer writes before closing its side.
    enum Garbage: String, CaseIterable, CustomTestStringConvertible {
        case randomBytes, truncatedFrame, truncatedLargeFrame, fourGiBHeader, corruptedPayload

        var testDescription: String { rawValue }

        var bytes: [UInt8] {
            get throws {
                var generator = SystemRandomNumberGenerator()
                switch self {
                case .randomBytes:
                    return (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
                case .truncatedFrame:
                    return try Array(Message.ping(token: 1).frame().encoded().dropLast(5))
                case .truncatedLargeFrame:
                    // Stops 300 KB short of the 1 MiB its header announces: the reader, waiting for the rest
                    // with a high receive low-water mark, must still see the end of the stream.
                    let payload = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    return try Array(Frame(type: .hello, payload: payload).encoded().prefix(750_000))
                case .fourGiBHeader:
                    // A valid header, checksum included, that announces a 4 GiB payload.
                    var header =
                        WireProtocol.frameMagic + [WireProtocol.currentVersion, MessageType.hello.rawValue, 0, 0]
                    header += [0xFF, 0xFF, 0xFF, 0xFF]
                    return header + littleEndian(CRC32C.checksum(header))
                case .corruptedPayload:
                    var frame = try Message.ping(token: 1).frame().encoded()
                    frame[Frame.headerByteCount] ^= 0x01
                    return frame
                }
            }
        }
    }

    @Test("Each kind of garbage is counted and the connection closed", arguments: Garbage.allCases)
    func garbageIsCounted(garbage: Garbage) async throws {
        let server = TCPTransport(configuration: try configuration())
        try await withEchoServer(server) { listener in
            let attacker = try await TCPConnection.connect(to: listener.localAddress, timeout: patience)
            try await attacker.write(try garbage.bytes, timeout: patience)
            try attacker.shutdownWrite()
            #expect(try await drain(attacker) < 1 << 20)
            attacker.close()
            #expect(try await eventually { server.statistics.malformedFrames == 1 })
            #expect(server.statistics.rejectedHandshakes == 1)
            try await expectServed(by: listener)
        }
    }

    @Test("Well-formed peers are served while garbage arrives concurrently")
    func servesDuringGarbage() async throws {
        let server = TCPTransport(configuration: try configuration())
        try await withEchoServer(server) { listener in
            let rounds = 3
            try await withThrowingTaskGroup { group in
                for _ in 0..<rounds {
                    for garbage in Garbage.allCases {
                        group.addTask {
                            let attacker = try await TCPConnection.connect(to: listener.localAddress, timeout: patience)
                            try await attacker.write(try garbage.bytes, timeout: patience)
                            try attacker.shutdownWrite()
                            _ = try await drain(attacker)
                            attacker.close()
                        }
                    }
                    group.addTask { try await expectServed(by: listener) }
                }
                try await group.waitForAll()
            }
            let expected = rounds * Garbage.allCases.count
            #expect(try await eventually { server.statistics.malformedFrames == expected })
            #expect(server.statistics.handshakesCompleted == rounds)
            try await expectServed(by: listener)
        }
    }

    @Test("A peer that connects and sends nothing is dropped at the handshake timeout")
    func silentPeer() async throws {
        var quick = try configuration()
        quick.handshakeTimeout = .milliseconds(200)
        let server = TCPTransport(configuration: quick)
        try await withEchoServer(server) { listener in
            let silent = try await TCPConnection.connect(to: listener.localAddress, timeout: patience)
            #expect(try await drain(silent) > 0)  // the server's hello, then the end of the stream
            silent.close()
            #expect(try await eventually { server.statistics.handshakeTimeouts == 1 })
            try await expectServed(by: listener)
        }
    }
}

private func littleEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

/// Reads until the server closes the connection; returns how many bytes it sent.
private func drain(_ connection: TCPConnection) async throws -> Int {
    var total = 0
    for _ in 0..<1_000 {
        let bytes = try await connection.read(upTo: 65_536, timeout: patience)
        guard !bytes.isEmpty else { break }
        total += bytes.count
    }
    return total
}

/// Connects a well-formed peer and checks it gets an answer.
private func expectServed(by listener: PeerListener) async throws {
    let peer = try await TCPTransport(configuration: try configuration()).connect(to: listener.localAddress)
    try await peer.send(.ping(token: 5), timeout: patience)
    #expect(try await peer.receive(timeout: patience) == .pong(token: 5))
    await peer.close()
}
