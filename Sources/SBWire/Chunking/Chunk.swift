/// One piece of a message whose payload exceeds a frame: the transfer it belongs to, its
/// position, and a slice of the message's payload bytes.
///
/// Every chunk repeats the transfer's description (message type, chunk count, total size), so a
/// receiver can check each against the first and reject a transfer the moment it stops adding
/// up. Build chunks with ``Message/frames(transferID:maxPayloadSize:version:)`` and reassemble
/// them with ``ChunkAssembler``.
public struct Chunk: Sendable, Equatable {
    /// The bytes a chunk adds before its data.
    public static let headerByteCount = 25

    /// Chosen by the sender, unique among its transfers on the connection.
    public let transferID: UInt64
    /// The type of the message being transferred; never ``MessageType/chunk``.
    public let messageType: MessageType
    /// This chunk's position, from 0.
    public let index: UInt32
    /// How many chunks the transfer has, at least 1.
    public let count: UInt32
    /// The size of the whole message payload.
    public let totalSize: UInt64
    /// This chunk's slice of the payload; empty only in the single chunk of an empty payload.
    public var data: [UInt8] { Array(bytes) }
    /// The slice as stored: a received chunk shares its frame's payload instead of copying it.
    let bytes: ArraySlice<UInt8>

    /// Creates a chunk.
    ///
    /// - Throws: ``WireError/invalidValue(field:reason:)`` if `messageType` is ``MessageType/chunk``,
    ///   `count` is 0, `index` is not below `count`, or `data` is empty (of a non-empty payload)
    ///   or larger than `totalSize`.
    public init(
        transferID: UInt64, messageType: MessageType, index: UInt32, count: UInt32, totalSize: UInt64, data: [UInt8]
    ) throws(WireError) {
        try self.init(
            transferID: transferID, messageType: messageType, index: index, count: count, totalSize: totalSize,
            bytes: data[...])
    }

    init(
        transferID: UInt64, messageType: MessageType, index: UInt32, count: UInt32, totalSize: UInt64,
        bytes data: ArraySlice<UInt8>
    ) throws(WireError) {
        guard messageType != .chunk else {
            throw .invalidValue(field: "chunk message type", reason: "chunks cannot contain chunks")
        }
        guard count > 0, index < count else {
            throw .invalidValue(field: "chunk index", reason: "chunk \(index) of \(count) does not exist")
        }
        guard !data.isEmpty || totalSize == 0, UInt64(data.count) <= totalSize else {
            throw .invalidValue(
                field: "chunk data", reason: "\(data.count) bytes do not fit a transfer of \(totalSize) bytes")
        }
        self.transferID = transferID
        self.messageType = messageType
        self.index = index
        self.count = count
        self.totalSize = totalSize
        bytes = data
    }

    /// Writes the fields before the data; shared with ``ChunkedFrames``, which writes the data
    /// straight from the message payload instead of copying it into a `Chunk` first.
    static func writeHeader(
        transferID: UInt64, messageType: MessageType, index: UInt32, count: UInt32, totalSize: UInt64,
        into writer: inout ByteWriter
    ) {
        writer.write(transferID)
        writer.write(messageType.rawValue)
        writer.write(index)
        writer.write(count)
        writer.write(totalSize)
    }
}

extension Chunk: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        Self.writeHeader(
            transferID: transferID, messageType: messageType, index: index, count: count, totalSize: totalSize,
            into: &writer)
        writer.write(raw: bytes)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let transferID = try reader.read(UInt64.self, field: "chunk transfer id")
        let code = try reader.read(UInt8.self, field: "chunk message type")
        guard let messageType = MessageType(rawValue: code) else { throw .unknownMessageType(code) }
        let index = try reader.read(UInt32.self, field: "chunk index")
        let count = try reader.read(UInt32.self, field: "chunk count")
        let totalSize = try reader.read(UInt64.self, field: "chunk total size")
        try self.init(
            transferID: transferID, messageType: messageType, index: index, count: count, totalSize: totalSize,
            bytes: reader.readRemainingSlice())
    }
}
