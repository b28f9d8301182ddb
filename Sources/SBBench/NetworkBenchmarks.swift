import Foundation
import Scatterbrained
import Synchronization

/// A 100 MB model between two processes over 127.0.0.1: raw TCP as the ceiling, the TCP transport
/// with and without a namespace secret, ping round trips, and model serialization.
///
/// Besides wall time it reports the CPU time each process spends per 100 MB (the receiver sends its
/// running total with every acknowledgement): on a machine shared with other work, wall time swings
/// with the neighbours' load, while CPU time shows what the transfer itself costs.
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
            try Measurement.blocking { try await peer(rawPort: ports[0], ports: Array(ports.dropFirst())) }
            exit(0)
        }
        let (model, serialized) = try serialization(repeats: repeats)
        let transferred = try Measurement.blocking { try await lead(repeats: repeats, model: model) }
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
        let (rawRates, rawCPU) = try rawThroughput(rawConnection, repeats: repeats)
        // The peer reads until this end of stream, then connects to the transports.
        rawConnection.closeSocket()
        let bytes = Double(Message.modelResponse(model).encodedPayload().count)
        var plainPeer = plain.connections.makeAsyncIterator()
        guard let plainConnection = await plainPeer.next() else { throw BenchmarkError.setup("no connection") }
        let (plainSeconds, plainCPU) = try await modelSeconds(plainConnection, model: model, repeats: repeats)
        let latencies = try await pingSeconds(plainConnection)
        await plainConnection.close()
        var securedPeer = secured.connections.makeAsyncIterator()
        guard let securedConnection = await securedPeer.next() else { throw BenchmarkError.setup("no connection") }
        let (securedSeconds, _) = try await modelSeconds(securedConnection, model: model, repeats: repeats)
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
            "raw_tcp_cpu_ms": rawCPU.milliseconds,
            "transport_cpu_ms": plainCPU.milliseconds,
            "raw_to_transport_cpu_ratio": Measurement.rounded(rawCPU.total / plainCPU.total, places: 3),
            "authenticated_mb_per_s": Measurement.rounded(bytes / Measurement.median(securedSeconds) / 1e6),
            "ping_round_trips": latencies.count,
            "ping_median_us": Measurement.rounded(Measurement.median(latencies) * 1e6),
            "ping_p99_us": Measurement.rounded(sorted[sorted.count * 99 / 100] * 1e6),
            "load_average": Machine.loadAverage(),
        ]
    }

    /// CPU time per transfer in each process, one entry per run.
    private struct CPUTimes {
        var sender: [Double] = []
        var receiver: [Double] = []
        /// The receiver's running total at its previous acknowledgement.
        var lastReceiverTotal: Double?

        /// Records a run: the sender's own CPU time, and the receiver's running total from its acknowledgement.
        mutating func record(sender seconds: Double, receiverTotal: Double, measured: Bool) {
            if measured, let lastReceiverTotal {
                sender.append(seconds)
                receiver.append(receiverTotal - lastReceiverTotal)
            }
            lastReceiverTotal = receiverTotal
        }

        var total: Double { Measurement.median(sender) + Measurement.median(receiver) }

        var milliseconds: [String: Double] {
            [
                "sender": Measurement.rounded(Measurement.median(sender) * 1e3),
                "receiver": Measurement.rounded(Measurement.median(receiver) * 1e3),
            ]
        }
    }

    /// CPU time this process has used so far, user and system, all threads.
    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return [usage.ru_utime, usage.ru_stime].reduce(0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) * 1e-6 }
    }

    /// The receiver's acknowledgement: its CPU time so far in microseconds.
    private static var cpuMicroseconds: UInt64 { UInt64(processCPUSeconds() * 1e6) }

    /// MB/s of 100 MB written with blocking `send`, each run ending when the peer acknowledges the last byte.
    private static func rawThroughput(_ socket: RawSocket, repeats: Int) throws -> ([Double], CPUTimes) {
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 20)
        var rates: [Double] = []
        var cpu = CPUTimes()
        for run in 0...repeats {
            let cpuStart = processCPUSeconds()
            var acknowledgement: UInt64 = 0
            let seconds = try Measurement.seconds {
                var left = rawBytes
                while left > 0 {
                    let count = min(left, chunk.count)
                    try chunk.withUnsafeBytes { try socket.sendAll(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                    left -= count
                }
                try withUnsafeMutableBytes(of: &acknowledgement) { try socket.receiveAll(into: $0) }
            }
            // The first run warms up the connection and the allocator.
            if run > 0 { rates.append(Double(rawBytes) / seconds / 1e6) }
            let receiverTotal = Double(UInt64(littleEndian: acknowledgement)) * 1e-6
            cpu.record(sender: processCPUSeconds() - cpuStart, receiverTotal: receiverTotal, measured: run > 0)
        }
        return (rates, cpu)
    }

    /// Seconds per model, from the start of `send` until the peer acknowledges the decoded message.
    private static func modelSeconds(_ connection: any PeerConnection, model: ModelResponse, repeats: Int)
        async throws -> ([Double], CPUTimes)
    {
        var seconds: [Double] = []
        var cpu = CPUTimes()
        for run in 0...repeats {
            let start = ContinuousClock.now
            let cpuStart = processCPUSeconds()
            try await connection.send(.modelResponse(model))
            guard case .pong(let receiverMicroseconds) = try await connection.receive() else {
                throw BenchmarkError.setup("bad acknowledgement")
            }
            if run > 0 { seconds.append(Measurement.seconds(of: ContinuousClock.now - start)) }
            cpu.record(
                sender: processCPUSeconds() - cpuStart, receiverTotal: Double(receiverMicroseconds) * 1e-6,
                measured: run > 0)
        }
        return (seconds, cpu)
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
                try withUnsafeBytes(of: cpuMicroseconds.littleEndian) { try raw.sendAll($0) }
            }
        }
        raw.closeSocket()
        for (port, secret) in zip(ports, [false, true]) {
            let transport = TCPTransport(configuration: try configuration(secret: secret))
            let connection = try await transport.connect(to: SocketAddress(ip: .loopbackIPv4, port: port))
            while let message = try? await connection.receive() {
                switch message {
                case .ping(let token): try await connection.send(.pong(token: token))
                default: try await connection.send(.pong(token: cpuMicroseconds))
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

}

enum BenchmarkError: Error {
    case setup(String)
    case socket(String, Int32)
}
