import SBWire

/// Bytes from a hexadecimal string; spaces are ignored so vectors can be pasted as published.
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

func utf8(_ string: String) -> [UInt8] { Array(string.utf8) }

/// The message's single frame, encoded.
func encodedFrame(_ message: Message) throws -> [UInt8] {
    try message.frame().encoded()
}

/// Decodes every frame in `bytes` with a fresh decoder.
func decodeFrames(_ bytes: [UInt8]) throws(WireError) -> [Frame] {
    var decoder = FrameDecoder()
    decoder.append(bytes)
    var frames: [Frame] = []
    while let frame = try decoder.nextFrame() {
        frames.append(frame)
    }
    try decoder.finish()
    return frames
}
