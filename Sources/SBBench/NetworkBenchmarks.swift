import Foundation
import Scatterbrained
import Synchronization

/// A 100 MB model between two processes over 127.0.0.1: raw TCP as the ceiling, the TCP transport
/// with and without a namespace secret, ping round trips, and model serialization.
///
/// `sb-bench network` starts this binary again as `sb-bench network --peer <ports>`, the receiving
/// side; nothing listens on or connects to any address but loopback.
enum NetworkBenchmarks {
    private static let rawBytes = 100_000_000
    private static let pings = 2_000
    private static let namespace = "bench"
    private static let secret = Array("network benchmark secret, 32 b!!".utf8)

    static func run(repeats: Int) throws -> [String: Any] {
        let arguments = CommandLine.arguments
        if let flag = arguments.firstIndex(of: "--peer") {
            let ports = arguments[(flag + 1)...].compactMap { UInt16($0) }
            try blocking { try await peer(rawPort: ports[0], ports: Array(ports.dropFirst())) }
            exit(0)
        }
        let (model, serialized) = try serialization(repeats: repeats)
        let transferred = try blocking { try await lead(repeats: repeats, model: model) }
        return serialized.merging(transferred) { first, _ in first }
    }

    /// (e): snapshot a 25M-parameter Linear(5000, 5000), encode it as wire tensors, decode it back.
    private static func serialization(repeats: Int) throws -> (ModelResponse, [String: Any]) {
        let module = Linear(5_000, 5_000)
        var snapshotSeconds: [Double] = []
        var encodeSeconds: [Double] = []
        var decodeSeconds: [Double] = []
        var tensors: [WireTensor] = []
        for _ in 0..<repeats {
            var snapshot: ModelSnapshot?
            snapshotSeconds.append(try Measurement.seconds { snapshot = try ModelSnapshot(module) })
            encodeSeconds.append(
                try Measurement.seconds { tensors = try WireTensor.encode(snapshot!.state, as: .float32) })
            decodeSeconds.append(try Measurement.seconds { _ = try WireTensor.decode(tensors) })
        }
        let response = try ModelResponse(
            requestID: 1, namespace: namespace, modelVersion: 1, sampleCount: 1, architecture: Array("{}".utf8),
            tensors: tensors)
        return (
            response,
            [
                "parameters": tensors.reduce(0) { $0 + $1.elementCount },
                "snapshot_ms": Measurement.rounded(Measurement.median(snapshotSeconds) * 1e3),
                "wire_encode_ms": Measurement.rounded(Measurement.median(encodeSeconds) * 1e3),
                "wire_decode_ms": Measurement.rounded(Measurement.median(decodeSeconds) * 1e3),
            ]
        )
    }

    /// The sending side: listens, starts the peer process, and times everything.
    private static func lead(repeats: Int, model: ModelResponse) async throws -> [String: any Sendable] {
        let raw = try RawSocket.listening()
        let plain = try await TCPTransport(configuration: configuration(secret: false)).listen(on: loopback)
        let secured = try await TCPTransport(configuration: configuration(secret: true)).listen(on: loopback)
        defer {
            plain.close()
            secured.close()
        }
        let process = Process()
        process.executableURL = URL(filePath: "/proc/self/exe")
        process.arguments = [
            "network", "--peer", "\(raw.port)", "\(plain.localAddress.port)", "\(secured.localAddress.port)",
        ]
        try process.run()
        defer { process.waitUntilExit() }

        let rawConnection = try raw.accepted()
        raw.closeSocket()
        let rawRates = try rawThroughput(rawConnection, repeats: repeats)
        // The peer reads until this end of stream, then connects to the transports.
        rawConnection.closeSocket()
        let bytes = Double(Message.modelResponse(model).encodedPayload().count)
        var plainPeer = plain.connections.makeAsyncIterator()
        guard let plainConnection = await plainPeer.next() else { throw BenchmarkError.setup("no connection") }
        let plainSeconds = try await modelSeconds(plainConnection, model: model, repeats: repeats)
        let latencies = try await pingSeconds(plainConnection)
        await plainConnection.close()
        var securedPeer = secured.connections.makeAsyncIterator()
        guard let securedConnection = await securedPeer.next() else { throw BenchmarkError.setup("no connection") }
        let securedSeconds = try await modelSeconds(securedConnection, model: model, repeats: repeats)
        await securedConnection.close()

        let ceiling = Measurement.median(rawRates)
        let transport = bytes / Measurement.median(plainSeconds) / 1e6
        let sorted = latencies.sorted()
        return [
            "raw_tcp_mb_per_s": Measurement.rounded(ceiling),
            "raw_tcp_runs_mb_per_s": rawRates.map { Measurement.rounded($0) },
            "model_bytes": Int(bytes),
            "transport_mb_per_s": Measurement.rounded(transport),
            "transport_runs_mb_per_s": plainSeconds.map { Measurement.rounded(bytes / $0 / 1e6) },
            "transport_to_raw_ratio": Measurement.rounded(transport / ceiling, places: 3),
            "authenticated_mb_per_s": Measurement.rounded(bytes / Measurement.median(securedSeconds) / 1e6),
            "ping_round_trips": latencies.count,
            "ping_median_us": Measurement.rounded(Measurement.median(latencies) * 1e6),
            "ping_p99_us": Measurement.rounded(sorted[sorted.count * 99 / 100] * 1e6),
            "load_average": (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
                .split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown",
        ]
    }

    /// MB/s of 100 MB written with blocking `send`, each run ending when the peer acknowledges the last byte.
    private static func rawThroughput(_ socket: RawSocket, repeats: Int) throws -> [Double] {
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 20)
        var rates: [Double] = []
        for run in 0...repeats {
            let seconds = try Measurement.seconds {
                var left = rawBytes
                while left > 0 {
                    let count = min(left, chunk.count)
                    try chunk.withUnsafeBytes { try socket.sendAll(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                    left -= count
                }
                _ = try withUnsafeTemporaryAllocation(byteCount: 1, alignment: 1) { try socket.receive(into: $0) }
            }
            // The first run warms up the connection and the allocator.
            if run > 0 { rates.append(Double(rawBytes) / seconds / 1e6) }
        }
        return rates
    }

    /// Seconds per model, from the start of `send` until the peer acknowledges the decoded message.
    private static func modelSeconds(_ connection: any PeerConnection, model: ModelResponse, repeats: Int)
        async throws -> [Double]
    {
        var seconds: [Double] = []
        for run in 0...repeats {
            let start = ContinuousClock.now
            try await connection.send(.modelResponse(model))
            _ = try await connection.receive()
            if run > 0 { seconds.append(Measurement.seconds(of: ContinuousClock.now - start)) }
        }
        return seconds
    }

    private static func pingSeconds(_ connection: any PeerConnection) async throws -> [Double] {
        var seconds: [Double] = []
        for token in 0..<UInt64(pings) {
            let start = ContinuousClock.now
            try await connection.send(.ping(token: token))
            guard case .pong(token) = try await connection.receive() else { throw BenchmarkError.setup("bad pong") }
            seconds.append(Measurement.seconds(of: ContinuousClock.now - start))
        }
        return seconds
    }

    /// The receiving process: drains raw bytes, then answers models and pings until each transport closes.
    private static func peer(rawPort: UInt16, ports: [UInt16]) async throws {
        let raw = try RawSocket.connected(port: rawPort)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var received = 0
        while true {
            let count = try raw.receive(into: buffer)
            guard count > 0 else { break }
            received += count
            if received >= rawBytes {
                received -= rawBytes
                try [UInt8(1)].withUnsafeBytes { try raw.sendAll($0) }
            }
        }
        raw.closeSocket()
        for (port, secret) in zip(ports, [false, true]) {
            let transport = TCPTransport(configuration: try configuration(secret: secret))
            let connection = try await transport.connect(to: SocketAddress(ip: .loopbackIPv4, port: port))
            while let message = try? await connection.receive() {
                switch message {
                case .ping(let token): try await connection.send(.pong(token: token))
                default: try await connection.send(.pong(token: 0))
                }
            }
            await connection.close()
        }
    }

    private static var loopback: SocketAddress { SocketAddress(ip: .loopbackIPv4, port: 0) }

    private static func configuration(secret: Bool) throws -> TransportConfiguration {
        TransportConfiguration(
            nodeID: .random(), namespaces: [namespace],
            namespaceKey: secret ? try NamespaceKey(secret: Self.secret, namespace: namespace) : nil)
    }

    /// Runs async work from the synchronous suite entry point.
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}

enum BenchmarkError: Error {
    case setup(String)
    case socket(String, Int32)
}
