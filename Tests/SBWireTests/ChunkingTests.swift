import SBTensor
import SBWire
import Testing

@Suite("Chunked transfers")
struct ChunkingTests {
    /// A model response of about 400 KB.
    static let model: Message = {
        let tensors = try! WireTensor.encode(
            ["0.weight": Tensor.randn([256, 384], seed: 1), "0.bias": Tensor.randn([256], seed: 2)], as: .float32)
        return .modelResponse(
            try! ModelResponse(
                requestID: 1, namespace: "digits", modelVersion: 7, sampleCount: 100,
                architecture: Fixtures.architecture,
                tensors: tensors))
    }()

    static func chunks(maxPayloadSize: Int = 64 * 1024, transferID: UInt64 = 3) throws -> [Chunk] {
        try model.frames(transferID: transferID, maxPayloadSize: maxPayloadSize).map { frame in
            guard case .chunk(let chunk) = try Message(frame: frame) else { throw WireError.unknownMessageType(0) }
            return chunk
        }
    }

    @Test("A message that fits travels as itself, in one frame")
    func singleFrame() throws {
        let frames = try Message.ping(token: 1).frames(transferID: 0)
        #expect(frames.count == 1)
        #expect(frames.first == (try Message.ping(token: 1).frame()))
    }

    @Test("A large model is split into frames within the limit and reassembled through the decoder")
    func reassembly() throws {
        let frames = try Self.model.frames(transferID: 3, maxPayloadSize: 64 * 1024)
        let payloadCount = Self.model.encodedPayload().count
        #expect(frames.count == (payloadCount + 64 * 1024 - 26) / (64 * 1024 - 25))
        #expect(frames.allSatisfy { $0.type == .chunk && $0.payload.count <= 64 * 1024 })
        var decoder = FrameDecoder(configuration: .init(maxPayloadSize: 64 * 1024))
        var assembler = ChunkAssembler(maxTransferSize: 1 << 20)
        var received: [Message] = []
        for frame in frames {
            decoder.append(frame.encoded())
            while let decoded = try decoder.nextFrame() {
                guard case .chunk(let chunk) = try Message(frame: decoded) else { continue }
                if let message = try assembler.receive(chunk) { received.append(message) }
            }
        }
        #expect(received == [Self.model])
        #expect(assembler.pendingTransferCount == 0 && assembler.bufferedByteCount == 0)
    }

    @Test("A chunk's parts, which share the tensors' storage, are its encoded bytes")
    func encodedParts() throws {
        for frame in try Self.model.frames(transferID: 3, maxPayloadSize: 100_000) {
            #expect(Array(frame.encodedParts().joined()) == frame.encoded())
        }
    }

    @Test("A frame body received in place decodes like one appended, whatever the read sizes")
    func receiveInPlace() throws {
        var generator = SeededGenerator(seed: 4)
        for frame in try Self.model.frames(transferID: 3, maxPayloadSize: 100_000) {
            let bytes = frame.encoded()
            var decoder = FrameDecoder()
            decoder.append(Array(bytes[..<20]))
            #expect(try decoder.nextFrame() == nil)
            var offset = 20
            while decoder.isAwaitingFrameBody {
                let read = try #require(
                    decoder.receiveFrameBody { space in
                        let count = min(space.count, Int.random(in: 1...30_000, using: &generator))
                        bytes[offset..<offset + count].withUnsafeBytes { space.copyMemory(from: $0) }
                        return (count, count)
                    })
                offset += read
            }
            #expect(offset == bytes.count)
            #expect(try decoder.nextFrame() == frame)
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test("A message still held keeps its bytes while the next one reassembles; a released one lends its memory")
    func recycledStorage() throws {
        let other: Message = .modelResponse(
            try ModelResponse(
                requestID: 2, namespace: "digits", modelVersion: 8, sampleCount: 100,
                architecture: Fixtures.architecture,
                tensors: try WireTensor.encode(
                    ["0.weight": Tensor.randn([256, 384], seed: 3), "0.bias": Tensor.randn([256], seed: 4)],
                    as: .float32)))
        func chunks(of message: Message, transferID: UInt64) throws -> [Chunk] {
            try message.frames(transferID: transferID, maxPayloadSize: 64 * 1024).map { frame in
                guard case .chunk(let chunk) = try Message(frame: frame) else { throw WireError.unknownMessageType(0) }
                return chunk
            }
        }
        func reassemble(_ chunks: [Chunk], with assembler: inout ChunkAssembler) throws -> Message? {
            var message: Message?
            for chunk in chunks {
                message = try assembler.receive(chunk)
            }
            return message
        }
        var assembler = ChunkAssembler()
        let held = try reassemble(chunks(of: Self.model, transferID: 1), with: &assembler)
        // Same size, other bytes: reassembled while `held` still shares the first transfer's storage.
        #expect(try reassemble(chunks(of: other, transferID: 2), with: &assembler) == other)
        #expect(held == Self.model)
        // Nothing holds the second message any more, so the third reuses its storage.
        #expect(try reassemble(chunks(of: Self.model, transferID: 3), with: &assembler) == Self.model)
        #expect(assembler.pendingTransferCount == 0 && assembler.bufferedByteCount == 0)
    }

    @Test("Interleaved transfers reassemble independently")
    func interleaved() throws {
        let first = try Self.chunks(transferID: 1)
        let second = try Self.chunks(transferID: 2)
        var assembler = ChunkAssembler()
        var received = 0
        for (a, b) in zip(first, second) {
            if try assembler.receive(a) != nil { received += 1 }
            if try assembler.receive(b) != nil { received += 1 }
        }
        #expect(received == 2)
    }

    @Test("A duplicate chunk is an error and drops the transfer")
    func duplicate() throws {
        let chunks = try Self.chunks()
        var assembler = ChunkAssembler()
        _ = try assembler.receive(chunks[0])
        _ = try assembler.receive(chunks[1])
        #expect(throws: WireError.duplicateChunk(transferID: 3, index: 1)) { try assembler.receive(chunks[1]) }
        #expect(assembler.pendingTransferCount == 0)
    }

    @Test("A gap is reported with the chunk that was expected")
    func outOfOrder() throws {
        let chunks = try Self.chunks()
        var assembler = ChunkAssembler()
        _ = try assembler.receive(chunks[0])
        #expect(throws: WireError.chunkOutOfOrder(transferID: 3, expected: 1, received: 2)) {
            try assembler.receive(chunks[2])
        }
        var fresh = ChunkAssembler()
        #expect(throws: WireError.chunkOutOfOrder(transferID: 3, expected: 0, received: 1)) {
            try fresh.receive(chunks[1])
        }
    }

    @Test("A transfer larger than the receiver's cap is refused at its first chunk")
    func tooLarge() throws {
        let chunks = try Self.chunks()
        var assembler = ChunkAssembler(maxTransferSize: 1000)
        #expect(throws: WireError.transferTooLarge(transferID: 3, declared: chunks[0].totalSize, limit: 1000)) {
            try assembler.receive(chunks[0])
        }
        #expect(assembler.bufferedByteCount == 0)
    }

    @Test("Chunks that contradict the first one are refused")
    func inconsistent() throws {
        let chunks = try Self.chunks()
        var assembler = ChunkAssembler()
        _ = try assembler.receive(chunks[0])
        let liar = try Chunk(
            transferID: 3, messageType: .updatePush, index: 1, count: chunks[1].count, totalSize: chunks[1].totalSize,
            data: chunks[1].data)
        #expect {
            try assembler.receive(liar)
        } throws: { error in
            guard case WireError.inconsistentChunk(transferID: 3, _) = error else { return false }
            return true
        }
    }

    @Test("A last chunk that leaves the declared size short is an incomplete transfer")
    func incomplete() throws {
        var assembler = ChunkAssembler()
        _ = try assembler.receive(
            Chunk(transferID: 9, messageType: .ping, index: 0, count: 2, totalSize: 8, data: [1, 2]))
        #expect(throws: WireError.incompleteTransfer(transferID: 9, received: 4, declared: 8)) {
            try assembler.receive(
                Chunk(transferID: 9, messageType: .ping, index: 1, count: 2, totalSize: 8, data: [3, 4]))
        }
    }

    @Test("Chunks carrying more than the declared size are refused")
    func overflow() throws {
        var assembler = ChunkAssembler()
        _ = try assembler.receive(
            Chunk(transferID: 9, messageType: .ping, index: 0, count: 3, totalSize: 4, data: [1, 2, 3]))
        #expect(throws: WireError.self) {
            try assembler.receive(
                Chunk(transferID: 9, messageType: .ping, index: 1, count: 3, totalSize: 4, data: [4, 5]))
        }
    }

    @Test("The number of unfinished transfers is capped, and cancel frees a slot")
    func concurrencyCap() throws {
        var assembler = ChunkAssembler(maxConcurrentTransfers: 2)
        for id in UInt64(1)...2 {
            _ = try assembler.receive(
                Chunk(transferID: id, messageType: .ping, index: 0, count: 2, totalSize: 8, data: [0]))
        }
        let third = try Chunk(transferID: 3, messageType: .ping, index: 0, count: 2, totalSize: 8, data: [0])
        #expect(throws: WireError.tooManyTransfers(limit: 2)) { try assembler.receive(third) }
        assembler.cancel(transferID: 1)
        #expect(try assembler.receive(third) == nil)
        #expect(assembler.pendingTransferCount == 2)
    }

    @Test("Chunk values are validated")
    func chunkValidation() {
        #expect(throws: WireError.self) {
            try Chunk(transferID: 1, messageType: .chunk, index: 0, count: 1, totalSize: 1, data: [1])
        }
        #expect(throws: WireError.self) {
            try Chunk(transferID: 1, messageType: .ping, index: 1, count: 1, totalSize: 1, data: [1])
        }
        #expect(throws: WireError.self) {
            try Chunk(transferID: 1, messageType: .ping, index: 0, count: 0, totalSize: 1, data: [1])
        }
        #expect(throws: WireError.self) {
            try Chunk(transferID: 1, messageType: .ping, index: 0, count: 1, totalSize: 1, data: [])
        }
        #expect(throws: WireError.self) { try Self.model.frames(transferID: 1, maxPayloadSize: 25) }
    }
}
