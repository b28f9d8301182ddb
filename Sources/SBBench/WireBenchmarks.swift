import Foundation
import SBTensor
import SBWire

/// Throughput of the wire protocol's pure parts: checksums, MACs, framing and tensor encoding.
enum WireBenchmarks {
    static func run(repeats: Int) throws -> [String: Any] {
        let data = (0..<(64 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let model = Tensor.randn([4 << 20], seed: 1)  // 16 MB of float32
        return [
            "crc32c_mb_per_s": rate(bytes: data.count, repeats: repeats) { _ = CRC32C.checksum(data) },
            "sha256_mb_per_s": rate(bytes: 16 << 20, repeats: repeats) { _ = SHA256.hash(data[..<(16 << 20)]) },
            "hmac_sha256_mb_per_s": rate(bytes: 16 << 20, repeats: repeats) {
                _ = HMACSHA256.authenticationCode(for: data[..<(16 << 20)], key: data[..<32])
            },
            "frame_encode_decode_mb_per_s": try frameRate(data, repeats: repeats),
            "tensor_encode_mb_per_s": try Dictionary(
                uniqueKeysWithValues: TensorEncoding.allCases.map { encoding in
                    ("\(encoding)", try tensorRate(model, encoding: encoding, repeats: repeats))
                }),
            "sealed_ping_round_trips_per_s": try sealedPings(repeats: repeats),
        ]
    }

    /// MB/s (10⁶ bytes) of `body` processing `bytes`, median of `repeats`.
    static func rate(bytes: Int, repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        let seconds = try (0..<repeats).map { _ in try Measurement.seconds(body) }
        return Measurement.rounded(Double(bytes) / Measurement.median(seconds) / 1e6)
    }

    /// A 16 MiB payload framed, encoded and decoded again (one CRC each way, plus copies).
    static func frameRate(_ data: [UInt8], repeats: Int) throws -> Double {
        let frame = try Frame(type: .updatePush, payload: Array(data[..<WireProtocol.maxFramePayload]))
        return try rate(bytes: frame.payload.count, repeats: repeats) {
            var decoder = FrameDecoder()
            decoder.append(frame.encoded())
            _ = try decoder.nextFrame()
        }
    }

    /// Float32 megabytes per second converted to wire bytes and back.
    static func tensorRate(_ tensor: Tensor, encoding: TensorEncoding, repeats: Int) throws -> Double {
        try rate(bytes: 4 * tensor.count, repeats: repeats) {
            _ = try WireTensor(name: "w", tensor: tensor, encoding: encoding).tensor()
        }
    }

    /// Ping frames sealed, encoded, decoded and opened per second on an authenticated session.
    static func sealedPings(repeats: Int) throws -> Double {
        let key = try NamespaceKey(secret: Array("benchmark secret, 32 bytes long!".utf8), namespace: "bench")
        let hello = try Hello(nodeID: NodeID.random(), listenPort: 1, namespaces: ["bench"])
        var initiator = try SessionHandshake(role: .initiator, key: key, localHello: hello, remoteHello: hello)
        var responder = try SessionHandshake(role: .responder, key: key, localHello: hello, remoteHello: hello)
        try initiator.receive(responder.challenge)
        try responder.receive(initiator.challenge)
        var receiving = try responder.verify(initiator.makeResponse())
        var sending = try initiator.verify(responder.makeResponse())
        let count = 100_000
        let seconds = try (0..<repeats).map { _ in
            try Measurement.seconds {
                var decoder = FrameDecoder()
                for token in 0..<UInt64(count) {
                    decoder.append(try sending.seal(Message.ping(token: token).frame()).encoded())
                    guard let frame = try decoder.nextFrame() else { continue }
                    _ = try receiving.open(frame)
                }
            }
        }
        return Measurement.rounded(Double(count) / Measurement.median(seconds), places: 0)
    }
}
