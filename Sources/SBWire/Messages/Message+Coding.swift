extension Message {
    /// The message's payload bytes.
    public func encodedPayload() -> [UInt8] {
        payloadWriter().bytes
    }

    /// The payload in pieces that share large tensors' storage; see ``ByteWriter/segments``.
    func encodedSegments() -> [ArraySlice<UInt8>] {
        payloadWriter().segments
    }

    private func payloadWriter() -> ByteWriter {
        var writer: ByteWriter
        switch self {
        case .hello(let body): writer = Self.write(body)
        case .authChallenge(let body): writer = Self.write(body)
        case .authResponse(let body): writer = Self.write(body)
        case .error(let body): writer = Self.write(body)
        case .ping(let token), .pong(let token):
            writer = ByteWriter(capacity: 8)
            writer.write(token)
        case .modelRequest(let body): writer = Self.write(body)
        case .modelResponse(let body): writer = Self.write(body)
        case .updatePush(let body): writer = Self.write(body)
        case .peerListRequest(let body): writer = Self.write(body)
        case .peerList(let body): writer = Self.write(body)
        case .chunk(let body): writer = Self.write(body, capacity: Chunk.headerByteCount + body.bytes.count)
        }
        return writer
    }

    /// Decodes a payload of the given type.
    ///
    /// - Throws: ``WireError`` if a field is truncated, exceeds its limit or holds an invalid
    ///   value, or if bytes are left over after the last field.
    public init(type: MessageType, payload: [UInt8]) throws(WireError) {
        var reader = ByteReader(payload)
        switch type {
        case .hello: self = .hello(try Hello(from: &reader))
        case .authChallenge: self = .authChallenge(try AuthChallenge(from: &reader))
        case .authResponse: self = .authResponse(try AuthResponse(from: &reader))
        case .error: self = .error(try ErrorMessage(from: &reader))
        case .ping: self = .ping(token: try reader.read(UInt64.self, field: "ping token"))
        case .pong: self = .pong(token: try reader.read(UInt64.self, field: "pong token"))
        case .modelRequest: self = .modelRequest(try ModelRequest(from: &reader))
        case .modelResponse: self = .modelResponse(try ModelResponse(from: &reader))
        case .updatePush: self = .updatePush(try UpdatePush(from: &reader))
        case .peerListRequest: self = .peerListRequest(try PeerListRequest(from: &reader))
        case .peerList: self = .peerList(try PeerList(from: &reader))
        case .chunk: self = .chunk(try Chunk(from: &reader))
        }
        try reader.expectEnd(of: type)
    }

    /// Decodes a frame's payload.
    public init(frame: Frame) throws(WireError) {
        try self.init(type: frame.type, payload: frame.payload)
    }

    /// The message in a single frame.
    ///
    /// - Throws: ``WireError/frameTooLarge(declared:limit:)`` if the payload exceeds
    ///   ``WireProtocol/maxFramePayload``; use ``frames(transferID:maxPayloadSize:version:)`` for
    ///   messages that can be that large.
    public func frame(version: UInt8 = WireProtocol.currentVersion) throws(WireError) -> Frame {
        try Frame(type: type, payload: encodedPayload(), version: version)
    }

    private static func write(_ body: some PayloadCodable, capacity: Int = 64) -> ByteWriter {
        var writer = ByteWriter(capacity: capacity)
        body.encode(into: &writer)
        return writer
    }
}
