/// Cuts an incoming byte stream into frames, validating each as early as its bytes allow.
///
/// Feed it whatever the socket returns, in pieces of any size, and pull frames until it returns
/// nil. The magic bytes are checked as soon as they arrive and the header as soon as its 16 bytes
/// have: a header that declares more than ``Configuration/maxPayloadSize`` (such as 4 GiB), an
/// unknown type or version, or a corrupted length is rejected before any payload is buffered.
/// Only once a header is valid does the decoder reserve room for exactly the frame it announces.
///
/// A stream cannot be resynchronised after an error (nothing marks where the next frame starts),
/// so the first error is final: every later call throws it again and the connection should be
/// closed, after sending an ``ErrorMessage`` if the peer may be a well-meaning one.
///
/// ```swift
/// var decoder = FrameDecoder()
/// decoder.append(bytesFromSocket)
/// while let frame = try decoder.nextFrame() {
///     let message = try Message(frame: frame)
/// }
/// ```
public struct FrameDecoder: Sendable {
    /// What the decoder accepts.
    public struct Configuration: Sendable {
        /// The largest payload accepted; at most ``WireProtocol/maxFramePayload``.
        public var maxPayloadSize: Int
        /// The protocol versions accepted in frame headers.
        public var supportedVersions: ClosedRange<UInt8>

        /// Creates a configuration; the defaults accept everything this implementation speaks.
        ///
        /// - Precondition: `maxPayloadSize` is in `0...WireProtocol.maxFramePayload`.
        public init(
            maxPayloadSize: Int = WireProtocol.maxFramePayload,
            supportedVersions: ClosedRange<UInt8> = WireProtocol.supportedVersions
        ) {
            precondition(
                (0...WireProtocol.maxFramePayload).contains(maxPayloadSize),
                "maxPayloadSize must be in 0...\(WireProtocol.maxFramePayload), not \(maxPayloadSize)")
            self.maxPayloadSize = maxPayloadSize
            self.supportedVersions = supportedVersions
        }
    }

    /// A validated header whose frame has not fully arrived.
    private struct Header {
        var version: UInt8
        var type: MessageType
        var flags: FrameFlags
        var payloadCount: Int

        var tagCount: Int { flags.contains(.authenticated) ? HMACSHA256.tagByteCount : 0 }
        var frameCount: Int { Frame.headerByteCount + payloadCount + tagCount + Frame.trailerByteCount }
    }

    /// Buffers beyond this capacity are released once drained, so that one large frame does not
    /// pin its memory for the rest of the connection.
    private static let retainedCapacity = 64 * 1024

    /// The decoder's limits.
    public let configuration: Configuration
    private var buffer: [UInt8] = []
    /// Offset in `buffer` of the first byte not yet consumed.
    private var start = 0
    private var header: Header?
    /// Payload, tag and CRC of a frame whose validated header has been consumed from `buffer` but
    /// whose bytes are still arriving. Sized to the frame once its header has passed the checks, so
    /// a large payload is received in place and handed out without a copy.
    private var body: [UInt8]?
    /// How many bytes of `body` have arrived.
    private var bodyFilled = 0
    /// The CRC-32C of the checksummed bytes of `body` that have arrived (payload and tag, not the
    /// trailer): computed as each piece arrives, while it is still in the CPU cache, rather than over
    /// the whole frame once it is complete, when the start of a large one has left the cache.
    private var bodyCRC = CRC32C()
    private var failure: WireError?

    /// Creates a decoder with an empty buffer.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start + (body == nil ? 0 : Frame.headerByteCount + bodyFilled) }

    /// How many more bytes the next frame needs at least: the rest of the header, or once the
    /// header is known, the rest of the frame. A reader may use it to size its next read.
    public var bytesNeeded: Int {
        max(0, (header?.frameCount ?? Frame.headerByteCount) - bufferedByteCount)
    }

    /// Whether a frame's header has been accepted and the rest of that frame is awaited, so that
    /// ``receiveFrameBody(_:)`` can take the bytes.
    public var isAwaitingFrameBody: Bool { body.map { bodyFilled < $0.count } ?? false }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let taken = min(bytes.count, body.map { $0.count - bodyFilled } ?? 0)
        if taken > 0 {
            fillBody { space in
                space.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<taken]))
                return (taken, ())
            }
        }
        guard taken < bytes.count else { return }
        compact()
        buffer.append(contentsOf: bytes[taken...])
    }

    /// Lets `receive` write the rest of the awaited frame straight into the frame's storage, which
    /// saves a large payload the copies that ``append(_:)-(UnsafeRawBufferPointer)`` makes.
    ///
    /// - Parameter receive: Writes at most `space.count` bytes (never past the frame's end) at the
    ///   start of `space`, and returns how many it wrote and a result of its own.
    /// - Returns: The result of `receive`, or nil without calling it unless ``isAwaitingFrameBody``.
    public mutating func receiveFrameBody<Value, Failure: Error>(
        _ receive: (_ space: UnsafeMutableRawBufferPointer) throws(Failure) -> (count: Int, result: Value)
    ) throws(Failure) -> Value? {
        guard isAwaitingFrameBody else { return nil }
        return try fillBody(receive)
    }

    private mutating func fillBody<Value, Failure: Error>(
        _ receive: (UnsafeMutableRawBufferPointer) throws(Failure) -> (count: Int, result: Value)
    ) throws(Failure) -> Value {
        let filled = bodyFilled
        let checksummedCount = body!.count - Frame.trailerByteCount
        var crc = bodyCRC
        // withUnsafeMutableBytes only rethrows untyped errors, so the typed one travels in a Result.
        let outcome = body!.withUnsafeMutableBytes { storage in
            let space = UnsafeMutableRawBufferPointer(rebasing: storage[filled...])
            return Result { () throws(Failure) in
                let outcome = try receive(space)
                precondition((0...space.count).contains(outcome.count), "receive wrote outside the frame")
                let checksummedEnd = min(filled + outcome.count, checksummedCount)
                if checksummedEnd > filled {
                    crc.update(UnsafeRawBufferPointer(rebasing: storage[filled..<checksummedEnd]))
                }
                return outcome
            }
        }
        let (count, value) = try outcome.get()
        bodyFilled += count
        bodyCRC = crc
        return value
    }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Returns the next complete frame, or nil if more bytes are needed.
    ///
    /// - Throws: ``WireError/badMagic(_:)``, ``WireError/headerChecksumMismatch(expected:actual:)``,
    ///   ``WireError/unsupportedVersion(_:supported:)``, ``WireError/unknownMessageType(_:)``,
    ///   ``WireError/unknownFlags(_:)``, ``WireError/frameTooLarge(declared:limit:)`` or
    ///   ``WireError/checksumMismatch(expected:actual:)``; once thrown, always thrown again.
    public mutating func nextFrame() throws(WireError) -> Frame? {
        if let failure { throw failure }
        do throws(WireError) {
            return try decodeNext()
        } catch {
            failure = error
            buffer = []
            start = 0
            body = nil
            throw error
        }
    }

    /// Checks that the stream ended between frames.
    ///
    /// - Throws: ``WireError/truncatedFrame(bufferedBytes:)`` if part of a frame is buffered, or
    ///   the error that stopped decoding.
    public func finish() throws(WireError) {
        if let failure { throw failure }
        guard bufferedByteCount == 0 else { throw .truncatedFrame(bufferedBytes: bufferedByteCount) }
    }

    private mutating func decodeNext() throws(WireError) -> Frame? {
        if let header, body != nil {
            return try completeBody(header)
        }
        let available = bufferedByteCount
        let magic = WireProtocol.frameMagic
        let magicCount = min(available, magic.count)
        guard buffer[start..<start + magicCount].elementsEqual(magic.prefix(magicCount)) else {
            throw .badMagic(Array(buffer[start..<start + magicCount]))
        }
        guard available >= Frame.headerByteCount else { return nil }
        let header: Header
        if let known = self.header {
            header = known
        } else {
            header = try parseHeader()
            self.header = header
        }
        guard available >= header.frameCount else {
            startBody(header)
            return nil
        }
        let payloadStart = start + Frame.headerByteCount
        let tagStart = payloadStart + header.payloadCount
        let crcStart = tagStart + header.tagCount
        let actual = CRC32C.checksum(buffer[payloadStart..<crcStart])
        let expected = load(UInt32.self, at: crcStart)
        guard actual == expected else { throw .checksumMismatch(expected: expected, actual: actual) }
        let frame = Frame(
            version: header.version, type: header.type, payload: Array(buffer[payloadStart..<tagStart]),
            authenticationTag: header.tagCount > 0 ? Array(buffer[tagStart..<crcStart]) : nil)
        start += header.frameCount
        self.header = nil
        return frame
    }

    /// Moves the awaited frame's bytes after its header out of `buffer` into storage of the frame's size.
    private mutating func startBody(_ header: Header) {
        let count = header.frameCount - Frame.headerByteCount
        let arrived = buffer.count - start - Frame.headerByteCount
        // Left uninitialized because bytes are only ever read below `bodyFilled`, which counts what
        // has been written; zeroing 16 MiB first would cost a pass over memory per frame.
        body = [UInt8](unsafeUninitializedCapacity: count) { _, initialized in
            initialized = count
        }
        bodyFilled = 0
        bodyCRC = CRC32C()
        let prefix = buffer[(start + Frame.headerByteCount)...]
        start = buffer.count
        fillBody { space in
            prefix.withUnsafeBytes { space.copyMemory(from: $0) }
            return (arrived, ())
        }
    }

    /// Returns the awaited frame once its body is complete; its payload is the body's storage.
    private mutating func completeBody(_ header: Header) throws(WireError) -> Frame? {
        guard var payload = body, bodyFilled == payload.count else { return nil }
        body = nil
        self.header = nil
        let tagEnd = header.payloadCount + header.tagCount
        let actual = bodyCRC.value
        let expected = payload.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: tagEnd, as: UInt32.self))
        }
        guard actual == expected else { throw .checksumMismatch(expected: expected, actual: actual) }
        let tag = header.tagCount > 0 ? Array(payload[header.payloadCount..<tagEnd]) : nil
        payload.removeLast(header.tagCount + Frame.trailerByteCount)
        return Frame(version: header.version, type: header.type, payload: payload, authenticationTag: tag)
    }

    private func parseHeader() throws(WireError) -> Header {
        let expectedCRC = load(UInt32.self, at: start + 12)
        let actualCRC = CRC32C.checksum(buffer[start..<start + 12])
        guard expectedCRC == actualCRC else {
            throw .headerChecksumMismatch(expected: expectedCRC, actual: actualCRC)
        }
        let version = buffer[start + 4]
        guard configuration.supportedVersions.contains(version) else {
            throw .unsupportedVersion(version, supported: configuration.supportedVersions)
        }
        guard let type = MessageType(rawValue: buffer[start + 5]) else {
            throw .unknownMessageType(buffer[start + 5])
        }
        let flags = FrameFlags(rawValue: load(UInt16.self, at: start + 6))
        guard FrameFlags.known.isSuperset(of: flags) else { throw .unknownFlags(flags.rawValue) }
        let payloadCount = Int(load(UInt32.self, at: start + 8))
        guard payloadCount <= configuration.maxPayloadSize else {
            throw .frameTooLarge(declared: payloadCount, limit: configuration.maxPayloadSize)
        }
        return Header(version: version, type: type, flags: flags, payloadCount: payloadCount)
    }

    private func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) })
    }

    /// Drops consumed bytes so the buffer holds at most one partial frame plus the new bytes.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
        } else {
            buffer.removeSubrange(0..<start)
        }
        start = 0
    }
}
