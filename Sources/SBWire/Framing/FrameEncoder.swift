/// Produces a frame's wire bytes a window at a time, computing the trailing CRC-32C as the windows go out.
///
/// The CRC covers the whole payload and comes after it, so ``Frame/encodedParts()`` must read a large
/// payload once for the checksum before the socket can read it again to send it; for a 1 MiB chunk of
/// a model that is two passes over main memory. Windows of a few hundred kilobytes are checksummed
/// just before they are handed over, so the socket copies them from the CPU cache, and the trailer,
/// in the last window, needs no second pass.
///
/// ```swift
/// var encoder = FrameEncoder(frame)
/// while case let window = encoder.next(maxCount: 256 * 1024), !window.isEmpty {
///     try await connection.write(window)
/// }
/// ```
package struct FrameEncoder: Sendable {
    /// The header, the payload's pieces, the tag if any, then the trailer once it is known; the
    /// current part is trimmed to what has not been produced yet.
    private var parts: [ArraySlice<UInt8>]
    /// The index of the part the next window starts in.
    private var index = 0
    /// Parts in this range (payload and tag) are covered by the trailing CRC.
    private let checksummed: Range<Int>
    private var crc = CRC32C()

    /// Starts at the frame's first byte.
    package init(_ frame: Frame) {
        var parts = [frame.header[...]] + frame.segments
        if let tag = frame.authenticationTag { parts.append(tag[...]) }
        checksummed = 1..<parts.count
        // Filled in once every checksummed byte has gone out.
        parts.append([])
        self.parts = parts
    }

    /// The next bytes of the frame, at most `maxCount` of them, as views of the frame's storage (the
    /// trailer excepted); empty once the whole frame has been produced.
    ///
    /// - Precondition: `maxCount` is positive.
    package mutating func next(maxCount: Int) -> [ArraySlice<UInt8>] {
        precondition(maxCount > 0, "a window needs room for at least one byte")
        var window: [ArraySlice<UInt8>] = []
        var room = maxCount
        while room > 0, index < parts.count {
            let part = parts[index]
            let piece = part.prefix(room)
            if checksummed.contains(index) { crc.update(piece) }
            if !piece.isEmpty { window.append(piece) }
            room -= piece.count
            guard piece.count == part.count else {
                parts[index] = part.dropFirst(piece.count)
                break
            }
            index += 1
            if index == parts.count - 1 {
                var trailer: [UInt8] = []
                append(crc.value, to: &trailer)
                parts[index] = trailer[...]
            }
        }
        return window
    }
}
