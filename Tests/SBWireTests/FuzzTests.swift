import SBTensor
import SBWire
import Testing

@Suite("Fuzzing the frame and message decoders")
struct FuzzTests {
    /// Valid encoded frames of every message type.
    static let messageFrames = Fixtures.messages.map { try! $0.frame().encoded() }
    /// The first frames of a chunked transfer, in order.
    static let chunkFrames = try! ChunkingTests.model.frames(transferID: 1, maxPayloadSize: 512).prefix(3).map {
        $0.encoded()
    }
    static let seeds = messageFrames + chunkFrames

    #if DEBUG
        static let minimumCount = 20_000
    #else
        static let minimumCount = 500_000
    #endif

    @Test("Millions of random and mutated frames: no crash, every failure a WireError, valid frames still decode")
    func fuzz() async {
        var generator = SeededGenerator(seed: 2024)
        for seed in Self.messageFrames + [Self.chunkFrames.flatMap { $0 }] {
            #expect(Self.decode(seed, using: &generator) == "message")
        }
        let clock = ContinuousClock()
        // Seven seconds, or up to thirty while the parallel suite's load keeps the count short of the minimum.
        let deadline = clock.now + .seconds(7)
        let extendedDeadline = clock.now + .seconds(30)
        var outcomes: [String: Int] = [:]
        var processed = 0
        func goesOn() -> Bool {
            clock.now < deadline || (processed < Self.minimumCount && clock.now < extendedDeadline)
        }
        while processed < 3_000_000 && (processed % 1024 != 0 || goesOn()) {
            // Give the cooperative thread back now and then: suites run in parallel on as many
            // threads as cores, and the timing tests of other suites must not starve behind this one.
            if processed % 1024 == 0 { await Task.yield() }
            let input = Self.mutate(Self.seeds.randomElement(using: &generator)!, using: &generator)
            outcomes[Self.decode(input, using: &generator), default: 0] += 1
            processed += 1
        }
        #expect(processed >= Self.minimumCount, "only \(processed) inputs in the time budget")
        print("fuzz: \(processed) inputs, outcomes \(outcomes.sorted { $0.key < $1.key })")
        // The mutations reach deep enough to trip the payload checks, not just the CRCs.
        for expected in [
            "message", "badMagic", "checksumMismatch", "headerChecksumMismatch", "frameTooLarge",
            "truncated", "truncatedFrame", "invalidValue", "unknownMessageType", "trailingBytes",
        ] {
            #expect(outcomes[expected, default: 0] > 0, "no input ended as \(expected): \(outcomes)")
        }
    }

    /// Feeds `input` to a decoder in random pieces and decodes every frame; returns the outcome:
    /// "message" if everything decoded, otherwise the WireError case that stopped it.
    static func decode(_ input: [UInt8], using generator: inout SeededGenerator) -> String {
        var decoder = FrameDecoder()
        var assembler = ChunkAssembler(maxTransferSize: 1 << 20)
        var offset = 0
        do throws(WireError) {
            while offset < input.count {
                // Mostly whole reads, sometimes the small pieces a slow socket delivers.
                let piece = Bool.random(using: &generator) ? input.count : Int.random(in: 1...64, using: &generator)
                let end = min(input.count, offset + piece)
                decoder.append(Array(input[offset..<end]))
                offset = end
                while let frame = try decoder.nextFrame() {
                    if case .chunk(let chunk) = try Message(frame: frame) {
                        _ = try assembler.receive(chunk)
                    }
                }
            }
            try decoder.finish()
            return "message"
        } catch {
            return caseName(error)
        }
    }

    /// The error's case, by an exhaustive switch: a new case must be added here to compile.
    static func caseName(_ error: WireError) -> String {
        switch error {
        case .badMagic: "badMagic"
        case .unsupportedVersion: "unsupportedVersion"
        case .unknownMessageType: "unknownMessageType"
        case .unknownFlags: "unknownFlags"
        case .headerChecksumMismatch: "headerChecksumMismatch"
        case .checksumMismatch: "checksumMismatch"
        case .frameTooLarge: "frameTooLarge"
        case .truncatedFrame: "truncatedFrame"
        case .truncated: "truncated"
        case .trailingBytes: "trailingBytes"
        case .limitExceeded: "limitExceeded"
        case .invalidUTF8: "invalidUTF8"
        case .invalidValue: "invalidValue"
        case .duplicateTensorName: "duplicateTensorName"
        case .nonFiniteValue: "nonFiniteValue"
        case .duplicateChunk: "duplicateChunk"
        case .chunkOutOfOrder: "chunkOutOfOrder"
        case .inconsistentChunk: "inconsistentChunk"
        case .transferTooLarge: "transferTooLarge"
        case .incompleteTransfer: "incompleteTransfer"
        case .tooManyTransfers: "tooManyTransfers"
        }
    }

    /// One of seven mutations of a valid frame, or random bytes.
    static func mutate(_ frame: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = frame
        let payload = frame[16..<frame.count - 4]
        switch Int.random(in: 0..<8, using: &generator) {
        case 0:  // Random bytes, half of them behind a valid magic.
            bytes = randomBytes(0...48, using: &generator)
            if Bool.random(using: &generator) { bytes = WireProtocol.frameMagic + bytes }
        case 1:  // Bit flips anywhere.
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^=
                    1 << UInt8.random(in: 0...7, using: &generator)
            }
        case 2:  // Truncation.
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
        case 3:  // Extension: garbage or another frame after this one.
            bytes +=
                Bool.random(using: &generator)
                ? randomBytes(1...32, using: &generator) : seeds.randomElement(using: &generator)!
        case 4:  // The length field set to anything, with a valid header CRC so the length is believed.
            let length = [
                0, 1, UInt32(payload.count) &+ 1, UInt32(payload.count) &- 1, .max,
                UInt32.random(in: 0...1 << 25, using: &generator),
            ]
            .randomElement(using: &generator)!
            bytes = reframe(frame, length: length, payload: payload)
        case 5:  // Header fields edited, with a valid header CRC.
            var header = Array(frame[0..<12])
            header[Int.random(in: 4..<8, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            bytes = reframe(header, length: UInt32(payload.count), payload: payload)
        default:  // Payload bytes edited, cut or extended, with both CRCs valid: exercises message decoding.
            var body = Array(payload)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0 where !body.isEmpty:
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    body[Int.random(in: 0..<body.count, using: &generator)] = [
                        0, 1, 0x7F, 0x80, 0xFF, UInt8.random(in: 0...255, using: &generator),
                    ]
                    .randomElement(using: &generator)!
                }
            case 1: body = Array(body.prefix(Int.random(in: 0...body.count, using: &generator)))
            default: body += randomBytes(1...8, using: &generator)
            }
            bytes = reframe(frame, length: UInt32(body.count), payload: body)
        }
        return bytes
    }

    /// A frame with `header`'s magic, version, type and flags, the given length field and payload,
    /// and correct checksums.
    static func reframe(_ header: [UInt8], length: UInt32, payload: some Collection<UInt8>) -> [UInt8] {
        var bytes = Array(header[0..<8]) + withUnsafeBytes(of: length.littleEndian, Array.init)
        bytes += withUnsafeBytes(of: CRC32C.checksum(bytes).littleEndian, Array.init)
        return bytes + payload + withUnsafeBytes(of: CRC32C.checksum(payload).littleEndian, Array.init)
    }

    static func randomBytes(_ count: ClosedRange<Int>, using generator: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: count, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
