/// The frames that carry one message: the message itself when its payload fits in a frame,
/// otherwise numbered ``Chunk`` frames, built one at a time as they are read.
///
/// Building frames lazily keeps a large model in memory once (its encoded payload), not twice.
///
/// ```swift
/// for frame in try Message.modelResponse(response).frames(transferID: nextTransferID) {
///     try await connection.send(frame.encoded())
/// }
/// ```
public struct ChunkedFrames: RandomAccessCollection, Sendable {
    private let payload: [UInt8]
    private let type: MessageType
    private let transferID: UInt64
    private let version: UInt8
    /// Payload bytes per chunk; nil when the message travels as one frame.
    private let chunkDataSize: Int?

    init(payload: [UInt8], type: MessageType, transferID: UInt64, version: UInt8, maxPayloadSize: Int) throws(WireError)
    {
        guard (Chunk.headerByteCount + 1...WireProtocol.maxFramePayload).contains(maxPayloadSize) else {
            throw .invalidValue(
                field: "maximum frame payload",
                reason:
                    "must be in \(Chunk.headerByteCount + 1)...\(WireProtocol.maxFramePayload), not \(maxPayloadSize)")
        }
        self.payload = payload
        self.type = type
        self.transferID = transferID
        self.version = version
        if payload.count <= maxPayloadSize {
            chunkDataSize = nil
            endIndex = 1
            return
        }
        guard type != .chunk else {
            throw .invalidValue(field: "chunk", reason: "a chunk larger than a frame cannot be split again")
        }
        let dataSize = maxPayloadSize - Chunk.headerByteCount
        let count = (payload.count + dataSize - 1) / dataSize
        try ByteWriter.check(count, field: "chunk count", limit: Int(UInt32.max))
        chunkDataSize = dataSize
        endIndex = count
    }

    public var startIndex: Int { 0 }
    public let endIndex: Int

    public subscript(position: Int) -> Frame {
        precondition(indices.contains(position), "chunk \(position) is outside 0..<\(endIndex)")
        guard let chunkDataSize else {
            return Frame(version: version, type: type, payload: payload, authenticationTag: nil)
        }
        let range = position * chunkDataSize..<Swift.min(payload.count, (position + 1) * chunkDataSize)
        var writer = ByteWriter(capacity: Chunk.headerByteCount + range.count)
        Chunk.writeHeader(
            transferID: transferID, messageType: type, index: UInt32(position), count: UInt32(endIndex),
            totalSize: UInt64(payload.count), into: &writer)
        writer.write(raw: payload[range])
        return Frame(version: version, type: .chunk, payload: writer.bytes, authenticationTag: nil)
    }
}

extension Message {
    /// The frames that carry this message, chunked if its payload exceeds `maxPayloadSize`.
    ///
    /// - Parameters:
    ///   - transferID: identifies the chunks of this message on the connection; use a fresh value
    ///     per message (a counter will do). Unused when the message fits in one frame.
    ///   - maxPayloadSize: the largest frame payload to produce, no more than the receiver's
    ///     limit; at most ``WireProtocol/maxFramePayload``.
    /// - Throws: ``WireError/invalidValue(field:reason:)`` for a `maxPayloadSize` outside
    ///   `26...WireProtocol.maxFramePayload`, or ``WireError/limitExceeded(field:value:limit:)``
    ///   if the message would need more than `UInt32.max` chunks.
    public func frames(
        transferID: UInt64, maxPayloadSize: Int = WireProtocol.maxFramePayload,
        version: UInt8 = WireProtocol.currentVersion
    ) throws(WireError) -> ChunkedFrames {
        try ChunkedFrames(
            payload: encodedPayload(), type: type, transferID: transferID, version: version,
            maxPayloadSize: maxPayloadSize)
    }
}
