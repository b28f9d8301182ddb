import CSBKernels

/// Reassembles chunked messages, within limits on their size and number.
///
/// Chunks of one transfer must arrive in order (the stream delivers them so); a duplicate, a gap,
/// a chunk whose description differs from the first, or more bytes than declared is an error,
/// and the transfer is dropped with its buffer. Memory grows with the bytes that actually
/// arrive, never beyond a transfer's declared size, which itself is capped by
/// ``maxTransferSize``: a peer declaring a huge transfer and sending one chunk costs one chunk.
///
/// The storage of the last reassembled message is kept for the next transfer of a similar size:
/// once the caller has released that message, the next one is reassembled in the same memory, which
/// spares the system zeroing fresh pages for every large message (for a 100 MB model, more of the
/// receiver's time than the checksums). While the message is still referenced, copy-on-write gives
/// the next transfer fresh storage instead, so a decoded message never changes under its holder.
///
/// ```swift
/// var assembler = ChunkAssembler()
/// switch try Message(frame: frame) {
/// case .chunk(let chunk):
///     if let message = try assembler.receive(chunk) { handle(message) }
/// case let message:
///     handle(message)
/// }
/// ```
public struct ChunkAssembler: Sendable {
    private struct Transfer {
        var messageType: MessageType
        var count: UInt32
        var totalSize: UInt64
        var nextIndex: UInt32 = 0
        var bytes: [UInt8] = []
    }

    /// The largest reassembled payload accepted, in bytes.
    public let maxTransferSize: Int
    /// The most transfers that may be unfinished at once.
    public let maxConcurrentTransfers: Int
    private var transfers: [UInt64: Transfer] = [:]
    /// The payload storage of the last completed transfer, shared with the message decoded from it.
    private var recycled: [UInt8] = []

    /// Creates an assembler with no transfers pending.
    ///
    /// - Parameters:
    ///   - maxTransferSize: the largest message payload accepted; defaults to
    ///     ``WireProtocol/defaultMaxTransferSize``.
    ///   - maxConcurrentTransfers: how many transfers may interleave on the connection.
    public init(maxTransferSize: Int = WireProtocol.defaultMaxTransferSize, maxConcurrentTransfers: Int = 4) {
        self.maxTransferSize = maxTransferSize
        self.maxConcurrentTransfers = maxConcurrentTransfers
    }

    /// The number of unfinished transfers.
    public var pendingTransferCount: Int { transfers.count }

    /// The bytes held for unfinished transfers.
    public var bufferedByteCount: Int { transfers.values.reduce(0) { $0 + $1.bytes.count } }

    /// Adds a chunk, returning the message once its last chunk has arrived.
    ///
    /// - Throws: ``WireError/transferTooLarge(transferID:declared:limit:)``,
    ///   ``WireError/tooManyTransfers(limit:)``, ``WireError/duplicateChunk(transferID:index:)``,
    ///   ``WireError/chunkOutOfOrder(transferID:expected:received:)``,
    ///   ``WireError/inconsistentChunk(transferID:reason:)``,
    ///   ``WireError/incompleteTransfer(transferID:received:declared:)``, or the error decoding the
    ///   reassembled message. The transfer is dropped on any error.
    public mutating func receive(_ chunk: Chunk) throws(WireError) -> Message? {
        let id = chunk.transferID
        do throws(WireError) {
            return try add(chunk)
        } catch {
            transfers[id] = nil
            throw error
        }
    }

    /// Drops an unfinished transfer, for example when its sender disconnects or times out.
    public mutating func cancel(transferID: UInt64) {
        transfers[transferID] = nil
    }

    private mutating func add(_ chunk: Chunk) throws(WireError) -> Message? {
        let id = chunk.transferID
        guard chunk.totalSize <= UInt64(maxTransferSize) else {
            throw .transferTooLarge(transferID: id, declared: chunk.totalSize, limit: maxTransferSize)
        }
        var transfer = try existingOrNew(chunk)
        guard chunk.messageType == transfer.messageType, chunk.count == transfer.count,
            chunk.totalSize == transfer.totalSize
        else {
            throw .inconsistentChunk(
                transferID: id,
                reason: "chunk \(chunk.index) describes \(chunk.count) chunks of \(chunk.totalSize) bytes of "
                    + "\(chunk.messageType), the first described \(transfer.count) of \(transfer.totalSize) bytes of "
                    + "\(transfer.messageType)")
        }
        guard chunk.index >= transfer.nextIndex else { throw .duplicateChunk(transferID: id, index: chunk.index) }
        guard chunk.index == transfer.nextIndex else {
            throw .chunkOutOfOrder(transferID: id, expected: transfer.nextIndex, received: chunk.index)
        }
        let received = transfer.bytes.count + chunk.bytes.count
        guard UInt64(received) <= transfer.totalSize else {
            throw .inconsistentChunk(
                transferID: id, reason: "chunks carry more than the declared \(transfer.totalSize) bytes")
        }
        let isLast = chunk.index == transfer.count - 1
        guard isLast || UInt64(received) < transfer.totalSize else {
            throw .inconsistentChunk(
                transferID: id,
                reason: "all \(transfer.totalSize) bytes arrived by chunk \(chunk.index) of \(transfer.count)")
        }
        if chunk.index == 0 {
            transfer.bytes = storage(capacity: Int(transfer.totalSize))
        }
        transfer.bytes += chunk.bytes
        transfer.nextIndex += 1
        guard isLast else {
            transfers[id] = transfer
            return nil
        }
        transfers[id] = nil
        guard UInt64(received) == transfer.totalSize else {
            throw .incompleteTransfer(transferID: id, received: received, declared: transfer.totalSize)
        }
        recycled = transfer.bytes
        return try Message(type: transfer.messageType, payload: transfer.bytes)
    }

    /// Empty storage with room for a transfer's declared size at once, so that it never moves: the
    /// last transfer's if that is about the right size, else a new allocation, which large sizes map
    /// lazily, so memory is committed only as bytes arrive.
    private mutating func storage(capacity: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        // Moved out rather than copied, so that the storage is uniquely referenced if the caller let go of it.
        swap(&bytes, &recycled)
        // A small message must not pin (through the slices its decoded fields share) a much larger buffer.
        guard bytes.capacity >= capacity, bytes.capacity / 2 <= capacity else {
            return [UInt8](unsafeUninitializedCapacity: capacity) { storage, initialized in
                sb_advise_huge_pages(storage.baseAddress, storage.count)
                initialized = 0
            }
        }
        // Keeps the storage when nothing else references it; otherwise replaces it with a new allocation
        // of the same capacity without copying its bytes, which needs the huge-page advice too (repeating
        // it for the kept storage is harmless).
        bytes.removeAll(keepingCapacity: true)
        let capacity = bytes.capacity
        bytes.withUnsafeBufferPointer {
            sb_advise_huge_pages(UnsafeMutableRawPointer(mutating: $0.baseAddress), capacity)
        }
        return bytes
    }

    /// Takes the chunk's transfer out of the table (so that appending does not copy a buffer the
    /// table still shares), or starts it.
    private mutating func existingOrNew(_ chunk: Chunk) throws(WireError) -> Transfer {
        if let transfer = transfers.removeValue(forKey: chunk.transferID) { return transfer }
        guard chunk.index == 0 else {
            throw .chunkOutOfOrder(transferID: chunk.transferID, expected: 0, received: chunk.index)
        }
        guard transfers.count < maxConcurrentTransfers else { throw .tooManyTransfers(limit: maxConcurrentTransfers) }
        return Transfer(messageType: chunk.messageType, count: chunk.count, totalSize: chunk.totalSize)
    }
}
