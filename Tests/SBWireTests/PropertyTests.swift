import SBWire
import Testing

@Suite("Round-trip properties over random messages")
struct PropertyTests {
    @Test("Random messages of every type round-trip through frames and the decoder", arguments: MessageType.allCases)
    func roundTrip(type: MessageType) throws {
        var random = RandomMessages(seed: UInt64(type.rawValue))
        var decoder = FrameDecoder()
        for _ in 0..<300 {
            let message = try random.message(type)
            decoder.append(try message.frame().encoded())
            let frame = try #require(try decoder.nextFrame())
            #expect(try Message(frame: frame) == message)
        }
        try decoder.finish()
    }

    @Test(
        "Random messages chunked at random frame sizes reassemble to themselves",
        arguments: [MessageType.modelResponse, .updatePush, .peerList, .hello])
    func chunkedRoundTrip(type: MessageType) throws {
        var random = RandomMessages(seed: 100 + UInt64(type.rawValue))
        var assembler = ChunkAssembler()
        for transfer in UInt64(0)..<100 {
            let message = try random.message(type)
            let maxPayload = random.int(Chunk.headerByteCount + 1...512)
            var received: [Message] = []
            for frame in try message.frames(transferID: transfer, maxPayloadSize: maxPayload) {
                #expect(frame.payload.count <= maxPayload)
                switch try Message(frame: frame) {
                case .chunk(let chunk): if let whole = try assembler.receive(chunk) { received.append(whole) }
                case let whole: received.append(whole)
                }
            }
            #expect(received == [message])
        }
        #expect(assembler.pendingTransferCount == 0)
    }
}
