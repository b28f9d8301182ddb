/// The frames that carry one message: the message itself when its payload fits in a frame,
/// otherwise numbered ``Chunk`` frames, built one at a time as they are read.
///
/// Building frames lazily from the payload's segments (which share large tensors' storage) keeps
/// a large model in memory once, and copies each weight once, into the chunk that carries it.
///
/// ```swift
/// for frame in try Message.modelResponse(response).frames(transferID: nextTransferID) {
///     try await connection.send(frame.encoded())
/// }
/// ```
public struct ChunkedFrames: RandomAccessCollection, Sendable {
    private let segments: [ArraySlice<UInt8>]
    /// The offset in the payload at which each segment starts.
    private let segmentStarts: [Int]
    private let payloadCount: Int
    private let type: MessageType
    private let transferID: UInt64
    private let version: UInt8
    /// Payload bytes per chunk; nil when the message travels as one frame.
    private let chunkDataSize: Int?

    init(
        segments: [ArraySlice<UInt8>], type: MessageType, transferID: UInt64, version: UInt8, maxPayloadSize: Int
    ) throws(WireError) {
        guard (Chunk.headerByteCount + 1...WireProtocol.maxFramePayload).contains(maxPayloadSize) else {
            throw .invalidValue(
                field: "maximum frame payload",
                reason:
                    "must be in \(Chunk.headerByteCount + 1)...\(WireProtocol.maxFramePayload), not \(maxPayloadSize)")
        }
        self.segments = segments
        segmentStarts = segments.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let payloadCount = segmentStarts.last!
        self.payloadCount = payloadCount
        self.type = type
        self.transferID = transferID
        self.version = version
        if payloadCount <= maxPayloadSize {
            chunkDataSize = nil
            endIndex = 1
            return
        }
        guard type != .chunk else {
            throw .invalidValue(field: "chunk", reason: "a chunk larger than a frame cannot be split again")
        }
        let dataSize = maxPayloadSize - Chunk.headerByteCount
        let count = (payloadCount + dataSize - 1) / dataSize
        try ByteWriter.check(count, field: "chunk count", limit: Int(UInt32.max))
        chunkDataSize = dataSize
        endIndex = count
    }

    public var startIndex: Int { 0 }
    public let endIndex: Int

    public subscript(position: Int) -> Frame {
        precondition(indices.contains(position), "chunk \(position) is outside 0..<\(endIndex)")
        guard let chunkDataSize else {
            return Frame(version: version, type: type, payload: Array(segments.joined()), authenticationTag: nil)
        }
        let range = position * chunkDataSize..<Swift.min(payloadCount, (position + 1) * chunkDataSize)
        var writer = ByteWriter(capacity: Chunk.headerByteCount)
        Chunk.writeHeader(
            transferID: transferID, messageType: type, index: UInt32(position), count: UInt32(endIndex),
            totalSize: UInt64(payloadCount), into: &writer)
        // The segments overlapping the range, each clipped to it: views, not copies.
        for (segment, start) in zip(segments, segmentStarts) where start < range.upperBound {
            let end = start + segment.count
            guard end > range.lowerBound else { continue }
            let first = segment.startIndex + Swift.max(range.lowerBound - start, 0)
            let last = segment.startIndex + Swift.min(range.upperBound, end) - start
            writer.write(shared: segment[first..<last])
        }
        return Frame(version: version, type: .chunk, segments: writer.segments)
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
            segments: encodedSegments(), type: type, transferID: transferID, version: version,
            maxPayloadSize: maxPayloadSize)
    }
}
