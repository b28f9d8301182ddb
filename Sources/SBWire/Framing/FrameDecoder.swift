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
    private var failure: WireError?

    /// Creates a decoder with an empty buffer.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    /// How many more bytes the next frame needs at least: the rest of the header, or once the
    /// header is known, the rest of the frame. A reader may use it to size its next read.
    public var bytesNeeded: Int {
        max(0, (header?.frameCount ?? Frame.headerByteCount) - bufferedByteCount)
    }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
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
            buffer.reserveCapacity(start + header.frameCount)
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
