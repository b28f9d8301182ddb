import SBWire
import Testing

@Suite("Frame encoding and the incremental decoder")
struct FramingTests {
    let ping = try! Message.ping(token: 42).frame()

    @Test("The header layout is the documented one")
    func headerLayout() throws {
        let bytes = try encodedFrame(.pong(token: 1))
        #expect(Array(bytes[0..<4]) == [0xF5, 0x53, 0x42, 0x57])
        #expect(bytes[4] == 1)  // version
        #expect(bytes[5] == MessageType.pong.rawValue)
        #expect(Array(bytes[6..<8]) == [0, 0])  // flags
        #expect(Array(bytes[8..<12]) == [8, 0, 0, 0])  // payload length, little-endian
        #expect(Array(bytes[12..<16]) == withUnsafeBytes(of: CRC32C.checksum(bytes[0..<12]).littleEndian, Array.init))
        #expect(Array(bytes[16..<24]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[24..<28]) == withUnsafeBytes(of: CRC32C.checksum(bytes[16..<24]).littleEndian, Array.init))
        #expect(bytes.count == 28)
    }

    @Test("The example frame in docs/PROTOCOL.md is byte-exact")
    func documentedExample() throws {
        #expect(
            try encodedFrame(.ping(token: 42))
                == bytes(hex: "f5534257 01 05 0000 08000000 7b0e7874 2a00000000000000 87296b51"))
    }

    @Test("Windows of any size add up to the encoded frame, tagged or not", arguments: [1, 7, 4096, 100_000])
    func encoderWindows(maxCount: Int) throws {
        var authenticator = try AuthenticationTests().handshake().initiator
        let frames =
            [
                ping, try Frame(type: .ping, payload: []), try authenticator.seal(ping),
            ] + (try ChunkingTests.model.frames(transferID: 1, maxPayloadSize: 150_000))
        for frame in frames {
            var encoder = FrameEncoder(frame)
            var bytes: [UInt8] = []
            while case let window = encoder.next(maxCount: maxCount), !window.isEmpty {
                #expect(window.reduce(0) { $0 + $1.count } <= maxCount)
                #expect(window.allSatisfy { !$0.isEmpty })
                bytes += window.joined()
            }
            #expect(bytes == frame.encoded())
            #expect(try decodeFrames(bytes) == [frame])
        }
    }

    @Test("Frames fed one byte at a time come out whole, in order")
    func byteByByte() throws {
        let stream = try Fixtures.messages.flatMap { try $0.frame().encoded() }
        var decoder = FrameDecoder()
        var decoded: [Message] = []
        for byte in stream {
            decoder.append([byte])
            while let frame = try decoder.nextFrame() {
                decoded.append(try Message(frame: frame))
            }
        }
        try decoder.finish()
        #expect(decoded == Fixtures.messages)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("Many frames in one read are all returned")
    func manyInOneRead() throws {
        let frames = try decodeFrames(Array(repeating: ping.encoded(), count: 100).flatMap { $0 })
        #expect(frames == Array(repeating: ping, count: 100))
    }

    @Test("bytesNeeded tells a reader how much of the next frame is missing")
    func bytesNeeded() throws {
        let bytes = ping.encoded()
        var decoder = FrameDecoder()
        #expect(decoder.bytesNeeded == 16)
        decoder.append(Array(bytes[0..<10]))
        #expect(try decoder.nextFrame() == nil)
        #expect(decoder.bytesNeeded == 6)
        decoder.append(Array(bytes[10..<20]))
        #expect(try decoder.nextFrame() == nil)
        #expect(decoder.bytesNeeded == bytes.count - 20)
    }

    @Test("A header announcing 4 GiB is rejected as soon as its 16 bytes arrive")
    func hugeDeclaredLength() throws {
        var header = WireProtocol.frameMagic + [1, MessageType.modelResponse.rawValue, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        header += withUnsafeBytes(of: CRC32C.checksum(header).littleEndian, Array.init)
        var decoder = FrameDecoder()
        decoder.append(Array(header[0..<15]))
        #expect(try decoder.nextFrame() == nil)
        decoder.append([header[15]])
        #expect(throws: WireError.frameTooLarge(declared: 0xFFFF_FFFF, limit: WireProtocol.maxFramePayload)) {
            try decoder.nextFrame()
        }
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("A lower configured limit is enforced the same way")
    func configuredLimit() throws {
        var decoder = FrameDecoder(configuration: .init(maxPayloadSize: 4))
        decoder.append(ping.encoded())
        #expect(throws: WireError.frameTooLarge(declared: 8, limit: 4)) { try decoder.nextFrame() }
    }

    @Test("Foreign bytes are rejected at the first byte that differs from the magic")
    func badMagic() {
        var decoder = FrameDecoder()
        decoder.append(utf8("G"))
        #expect(throws: WireError.badMagic([0x47])) { try decoder.nextFrame() }
        var tls = FrameDecoder()
        tls.append([0x16, 0x03, 0x01])
        #expect(throws: WireError.badMagic([0x16, 0x03, 0x01])) { try tls.nextFrame() }
    }

    @Test("Each header field is validated, with the header checksum checked first")
    func headerFields() throws {
        func reheader(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var bytes = ping.encoded()
            edit(&bytes)
            bytes.replaceSubrange(
                12..<16, with: withUnsafeBytes(of: CRC32C.checksum(bytes[0..<12]).littleEndian, Array.init))
            return bytes
        }
        #expect(throws: WireError.unsupportedVersion(2, supported: 1...1)) { try decodeFrames(reheader { $0[4] = 2 }) }
        #expect(throws: WireError.unsupportedVersion(0, supported: 1...1)) { try decodeFrames(reheader { $0[4] = 0 }) }
        #expect(throws: WireError.unknownMessageType(0x7F)) { try decodeFrames(reheader { $0[5] = 0x7F }) }
        #expect(throws: WireError.unknownFlags(0x8000)) { try decodeFrames(reheader { $0[7] = 0x80 }) }
        var corrupted = ping.encoded()
        corrupted[9] = 1  // length without fixing the header CRC
        #expect {
            try decodeFrames(corrupted)
        } throws: { error in
            guard case WireError.headerChecksumMismatch = error else { return false }
            return true
        }
    }

    @Test("A corrupted payload fails the frame checksum")
    func payloadChecksum() {
        var bytes = ping.encoded()
        bytes[17] ^= 0x04
        #expect {
            try decodeFrames(bytes)
        } throws: { error in
            guard case WireError.checksumMismatch = error else { return false }
            return true
        }
    }

    @Test("A stream that ends mid-frame reports the truncation")
    func truncatedStream() {
        let bytes = ping.encoded()
        #expect(throws: WireError.truncatedFrame(bufferedBytes: 20)) { try decodeFrames(Array(bytes[0..<20])) }
    }

    @Test("The first error is final: later calls throw it again")
    func stickyError() {
        var decoder = FrameDecoder()
        decoder.append([0])
        #expect(throws: WireError.badMagic([0])) { try decoder.nextFrame() }
        decoder.append(ping.encoded())
        #expect(throws: WireError.badMagic([0])) { try decoder.nextFrame() }
        #expect(throws: WireError.badMagic([0])) { try decoder.finish() }
    }

    @Test("Payloads above 16 MiB do not fit a frame")
    func oversizeFrame() {
        #expect(
            throws: WireError.frameTooLarge(
                declared: WireProtocol.maxFramePayload + 1, limit: WireProtocol.maxFramePayload)
        ) {
            try Frame(type: .ping, payload: [UInt8](repeating: 0, count: WireProtocol.maxFramePayload + 1))
        }
    }

    @Test("Error descriptions name the problem")
    func descriptions() {
        #expect(WireError.frameTooLarge(declared: 1 << 32, limit: 16).description.contains("chunks"))
        #expect(WireError.checksumMismatch(expected: 0xE306_9283, actual: 1).description.contains("0xe3069283"))
        #expect(WireError.badMagic(utf8("GET ")).description.contains("47455420"))
    }
}
