import SBTensor
import SBWire

/// Generates valid messages of every type with random field values, sizes up to the limits'
/// interesting edges (empty lists, multi-byte UTF-8, scalars, empty tensors, all encodings).
struct RandomMessages {
    var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    mutating func int<T: FixedWidthInteger>(_ type: T.Type = T.self) -> T {
        T.random(in: .min ... .max, using: &generator)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &generator)
    }

    /// A string of at most `maxBytes` UTF-8 bytes mixing one- to four-byte characters.
    mutating func string(maxBytes: Int, allowEmpty: Bool = false) -> String {
        let pool: [Character] = ["a", "Z", "7", ".", "-", "é", "ß", "数", "🙂"]
        var string = ""
        let target = int((allowEmpty ? 0 : 1)...maxBytes)
        while string.utf8.count < target {
            let next = pool.randomElement(using: &generator)!
            guard string.utf8.count + next.utf8.count <= maxBytes else { break }
            string.append(next)
        }
        return string.isEmpty && !allowEmpty ? "n" : string
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in int(UInt8.self) }
    }

    mutating func nodeID() -> NodeID {
        NodeID.random(using: &generator)
    }

    mutating func namespace() -> String {
        string(maxBytes: Bool.random(using: &generator) ? 16 : WireProtocol.maxNamespaceBytes)
    }

    mutating func tensors() throws -> [WireTensor] {
        var tensors: [WireTensor] = []
        for index in 0..<int(0...4) {
            let shape = (0..<int(0...3)).map { _ in int(0...5) }
            let tensor = Tensor.randn(shape, seed: int(UInt64.self))
            let encoding = TensorEncoding.allCases.randomElement(using: &generator)!
            tensors.append(try WireTensor(name: "\(index).\(string(maxBytes: 40))", tensor: tensor, encoding: encoding))
        }
        return tensors
    }

    mutating func message(_ type: MessageType) throws -> Message {
        switch type {
        case .hello:
            let versions = Array(Set((0..<int(1...WireProtocol.maxVersions)).map { _ in UInt8(int(1...255)) })).sorted()
            return .hello(
                try Hello(
                    nodeID: nodeID(), versions: versions, capabilities: .init(rawValue: int()),
                    listenPort: int(), advertisedHost: string(maxBytes: 60, allowEmpty: true),
                    namespaces: (0..<int(0...8)).map { _ in namespace() }))
        case .authChallenge:
            return .authChallenge(try AuthChallenge(namespace: namespace(), nonce: bytes(32)))
        case .authResponse:
            return .authResponse(try AuthResponse(proof: bytes(32)))
        case .error:
            return .error(
                try ErrorMessage(
                    code: ErrorCode(rawValue: int()),
                    text: string(maxBytes: WireProtocol.maxErrorTextBytes, allowEmpty: true)
                ))
        case .ping: return .ping(token: int())
        case .pong: return .pong(token: int())
        case .modelRequest:
            return .modelRequest(
                try ModelRequest(
                    requestID: int(), namespace: namespace(), haveVersion: int(),
                    preferredEncoding: TensorEncoding.allCases.randomElement(using: &generator)!))
        case .modelResponse:
            return .modelResponse(
                try ModelResponse(
                    requestID: int(), namespace: namespace(), modelVersion: int(), sampleCount: int(),
                    architecture: Array(string(maxBytes: 300).utf8), tensors: tensors()))
        case .updatePush:
            return .updatePush(
                try UpdatePush(namespace: namespace(), baseVersion: int(), sampleCount: int(), tensors: tensors()))
        case .peerListRequest:
            return .peerListRequest(try PeerListRequest(namespace: namespace()))
        case .peerList:
            let peers = try (0..<int(0...20)).map { _ in
                try PeerList.Peer(nodeID: nodeID(), host: string(maxBytes: 60), port: UInt16(int(1...65535)))
            }
            return .peerList(try PeerList(namespace: namespace(), peers: peers))
        case .chunk:
            let count = UInt32(int(1...100))
            let data = bytes(int(1...64))
            return .chunk(
                try Chunk(
                    transferID: int(),
                    messageType: MessageType.allCases.filter { $0 != .chunk }.randomElement(using: &generator)!,
                    index: UInt32.random(in: 0..<count, using: &generator), count: count,
                    totalSize: UInt64(data.count + int(0...1000)), data: data))
        }
    }
}
