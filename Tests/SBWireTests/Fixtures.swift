import SBTensor
import SBWire
import Testing

/// Valid values of every message type, shared by the round-trip, chunking and fuzz tests.
enum Fixtures {
    static let nodeA = try! NodeID(bytes: Array(0..<16))
    static let nodeB = try! NodeID(bytes: Array(100..<116))

    static let architecture = Array(
        (#"{"type":"Sequential","arguments":{},"children":[{"type":"Linear","#
            + #""arguments":{"inFeatures":3,"outFeatures":2,"bias":true},"children":[]}]}"#).utf8)

    static func state(seed: UInt64) -> [String: Tensor] {
        ["0.weight": Tensor.randn([2, 3], seed: seed), "0.bias": Tensor.randn([2], seed: seed + 1)]
    }

    static func hello(_ id: NodeID = nodeA, namespaces: [String] = ["MyFirstNamespace", "digits"]) -> Hello {
        try! Hello(nodeID: id, listenPort: 7070, advertisedHost: "192.168.1.20", namespaces: namespaces)
    }

    /// One message of each type; tensors in all three encodings.
    static let messages: [Message] = {
        let float32 = try! WireTensor.encode(state(seed: 1), as: .float32)
        let float16 = try! WireTensor.encode(state(seed: 2), as: .float16)
        let int8 = try! WireTensor.encode(state(seed: 3), as: .int8)
        return try! [
            .hello(hello()),
            .authChallenge(AuthChallenge(namespace: "digits", nonce: Array(repeating: 7, count: 32))),
            .authResponse(AuthResponse(proof: Array(0..<32))),
            .error(ErrorMessage(code: .unknownNamespace, text: "this node does not serve 'mnist' ✓")),
            .ping(token: 0xDEAD_BEEF),
            .pong(token: .max),
            .modelRequest(ModelRequest(requestID: 9, namespace: "digits", haveVersion: 3, preferredEncoding: .float16)),
            .modelResponse(
                ModelResponse(
                    requestID: 9, namespace: "digits", modelVersion: 4, sampleCount: 1_797, architecture: architecture,
                    tensors: float32)),
            .updatePush(
                UpdatePush(
                    namespace: "digits", baseVersion: 4, sampleCount: 360,
                    tensors: float16
                        + int8.map {
                            try! WireTensor(name: "q." + $0.name, shape: $0.shape, element: $0.element, data: $0.data)
                        })),
            .peerListRequest(PeerListRequest(namespace: "digits")),
            .peerList(
                PeerList(
                    namespace: "digits",
                    peers: [
                        PeerList.Peer(nodeID: nodeA, host: "10.0.0.2", port: 7070),
                        PeerList.Peer(nodeID: nodeB, host: "fe80::1", port: 7071),
                    ])),
            .chunk(
                Chunk(transferID: 5, messageType: .modelResponse, index: 0, count: 3, totalSize: 100, data: [1, 2, 3])),
        ]
    }()
}

extension Message: CustomTestStringConvertible {
    public var testDescription: String { type.description }
}
