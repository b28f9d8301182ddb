import SBWire
import Testing

@Suite("Message payloads")
struct MessageTests {
    @Test("Every message type survives encode → frame → decode", arguments: Fixtures.messages)
    func roundTrip(message: Message) throws {
        let frames = try decodeFrames(encodedFrame(message))
        #expect(frames.count == 1)
        #expect(frames[0].type == message.type)
        #expect(try Message(frame: frames[0]) == message)
    }

    @Test("Every message type rejects each truncation of its payload with a typed error", arguments: Fixtures.messages)
    func truncations(message: Message) {
        let payload = message.encodedPayload()
        for length in 0..<payload.count {
            // A chunk's data runs to the end of the payload, so cutting it only shortens the data,
            // which is valid as long as the header and one data byte remain.
            if message.type == .chunk && length > Chunk.headerByteCount { continue }
            #expect(throws: WireError.self) { try Message(type: message.type, payload: Array(payload[..<length])) }
        }
    }

    @Test(
        "A payload with bytes after its last field is rejected",
        arguments: Fixtures.messages.filter { $0.type != .chunk })
    func trailingBytes(message: Message) {
        #expect(throws: WireError.trailingBytes(messageType: message.type, count: 1)) {
            try Message(type: message.type, payload: message.encodedPayload() + [0])
        }
    }

    @Test("Version negotiation picks the highest common version, or none")
    func negotiation() throws {
        let old = try Hello(nodeID: Fixtures.nodeA, versions: [1, 2], listenPort: 1, namespaces: [])
        let new = try Hello(nodeID: Fixtures.nodeB, versions: [2, 3, 5], listenPort: 1, namespaces: [])
        let newest = try Hello(nodeID: Fixtures.nodeB, versions: [4, 5], listenPort: 1, namespaces: [])
        #expect(old.negotiatedVersion(with: new) == 2)
        #expect(new.negotiatedVersion(with: old) == 2)
        #expect(new.negotiatedVersion(with: newest) == 5)
        #expect(old.negotiatedVersion(with: newest) == nil)
    }

    @Test("Hello lists are validated both when built and when decoded")
    func helloValidation() throws {
        #expect(throws: WireError.self) {
            try Hello(nodeID: Fixtures.nodeA, versions: [], listenPort: 1, namespaces: [])
        }
        #expect(throws: WireError.self) {
            try Hello(nodeID: Fixtures.nodeA, versions: [2, 1], listenPort: 1, namespaces: [])
        }
        #expect(throws: WireError.self) {
            try Hello(nodeID: Fixtures.nodeA, versions: [0, 1], listenPort: 1, namespaces: [])
        }
        #expect(throws: WireError.self) { try Hello(nodeID: Fixtures.nodeA, listenPort: 1, namespaces: [""]) }
        let long = String(repeating: "n", count: WireProtocol.maxNamespaceBytes + 1)
        #expect(throws: WireError.limitExceeded(field: "hello namespace", value: 256, limit: 255)) {
            try Hello(nodeID: Fixtures.nodeA, listenPort: 1, namespaces: [long])
        }
        let many = (0...WireProtocol.maxNamespaces).map { "ns\($0)" }
        #expect(throws: WireError.self) { try Hello(nodeID: Fixtures.nodeA, listenPort: 1, namespaces: many) }
        // Decoding runs the same checks: version 0 in place of 1 (after the 16-byte id and the count).
        var payload = Message.hello(Fixtures.hello()).encodedPayload()
        payload[17] = 0
        #expect {
            try Message(type: .hello, payload: payload)
        } throws: { error in
            guard case WireError.invalidValue(field: "hello versions", _) = error else { return false }
            return true
        }
    }

    @Test("Wildcard addresses are never advertised", arguments: ["0.0.0.0", "::", "[::]"])
    func wildcardHosts(host: String) {
        #expect(throws: WireError.self) {
            try Hello(nodeID: Fixtures.nodeA, listenPort: 1, advertisedHost: host, namespaces: [])
        }
        #expect(throws: WireError.self) { try PeerList.Peer(nodeID: Fixtures.nodeA, host: host, port: 1) }
    }

    @Test("Counts larger than the remaining bytes are rejected before anything is allocated")
    func hugeCounts() throws {
        var writer = ByteWriter()
        try writer.writeString("digits", field: "namespace", maxBytes: 255)
        writer.write(UInt64(0))
        writer.write(UInt64(0))
        writer.write(UInt32(WireProtocol.maxTensors))  // 65,536 tensors promised, none present
        #expect(throws: WireError.truncated(field: "update push tensor count", needed: 5 * 65_536, available: 0)) {
            try Message(type: .updatePush, payload: writer.bytes)
        }
        var tooMany = ByteWriter()
        try tooMany.writeString("digits", field: "namespace", maxBytes: 255)
        tooMany.write(UInt64(0))
        tooMany.write(UInt64(0))
        tooMany.write(UInt32.max)
        #expect(
            throws: WireError.limitExceeded(field: "update push tensor count", value: Int(UInt32.max), limit: 65_536)
        ) {
            try Message(type: .updatePush, payload: tooMany.bytes)
        }
    }

    @Test("A tensor whose shape promises more data than the payload holds is rejected")
    func tensorShapeBeyondPayload() throws {
        let tensor = try WireTensor(name: "w", shape: [2], element: .float32, data: [UInt8](repeating: 0, count: 8))
        var payload = Message.updatePush(
            try UpdatePush(namespace: "n", baseVersion: 0, sampleCount: 1, tensors: [tensor])
        )
        .encodedPayload()
        // The dimension sits after namespace (3), versions (16), count (4), name (3), dtype and rank (2).
        let dimension = 3 + 16 + 4 + 3 + 2
        payload.replaceSubrange(dimension..<dimension + 4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: WireError.truncated(field: "tensor 'w' data", needed: 4 * 0xFFFF_FFFF, available: 8)) {
            try Message(type: .updatePush, payload: payload)
        }
    }

    @Test("Invalid UTF-8 in a string field is rejected")
    func invalidUTF8() {
        let payload: [UInt8] = [2, 0, 0xC3, 0x28]
        #expect(throws: WireError.invalidUTF8(field: "peer list request namespace")) {
            try Message(type: .peerListRequest, payload: payload)
        }
    }

    @Test("Unknown error codes decode, so newer peers' errors still reach the log")
    func openErrorCodes() throws {
        let message = Message.error(try ErrorMessage(code: ErrorCode(rawValue: 999), text: "new"))
        #expect(try Message(type: .error, payload: message.encodedPayload()) == message)
        #expect(ErrorCode(rawValue: 999).description == "error code 999")
        #expect(ErrorCode.busy.description == "busy")
    }
}
