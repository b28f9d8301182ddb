/// The protocol's fixed constants and limits (docs/PROTOCOL.md gives the same numbers).
///
/// Limits are part of the protocol, not of one implementation: a sender that respects them
/// knows every conforming receiver accepts its messages, and a receiver can reject a field as
/// soon as its length is read, before allocating anything for it.
public enum WireProtocol {
    /// The protocol version this implementation prefers.
    public static let currentVersion: UInt8 = 1
    /// Every protocol version this implementation speaks.
    public static let supportedVersions: ClosedRange<UInt8> = 1...1

    /// The bytes every frame starts with. The first is never valid in UTF-8 or as a TLS record
    /// type, so text protocols and TLS clients that reach the port are rejected at byte one.
    public static let frameMagic: [UInt8] = [0xF5, 0x53, 0x42, 0x57]
    /// The bytes every discovery datagram starts with.
    public static let datagramMagic: [UInt8] = [0xF5, 0x53, 0x42, 0x44]

    /// The largest frame payload anyone may send: 16 MiB. Larger messages travel in chunks.
    public static let maxFramePayload = 16 * 1024 * 1024
    /// The default cap on a reassembled chunked message: 512 MiB.
    public static let defaultMaxTransferSize = 512 * 1024 * 1024

    /// The longest namespace name, in UTF-8 bytes.
    public static let maxNamespaceBytes = 255
    /// The most namespaces one hello may list.
    public static let maxNamespaces = 64
    /// The most protocol versions one hello may list.
    public static let maxVersions = 16
    /// The longest host name or address literal, in UTF-8 bytes.
    public static let maxHostBytes = 255
    /// The longest error text, in UTF-8 bytes.
    public static let maxErrorTextBytes = 4096
    /// The longest architecture document (JSON), in bytes.
    public static let maxArchitectureBytes = 4 * 1024 * 1024
    /// The longest tensor name, in UTF-8 bytes.
    public static let maxTensorNameBytes = 1024
    /// The most tensors one message may carry.
    public static let maxTensors = 65_536
    /// The largest tensor rank.
    public static let maxTensorRank = 8
    /// The most peers one peer list may carry.
    public static let maxPeers = 1024
    /// The length of nonces and handshake proofs, in bytes.
    public static let nonceByteCount = 32
}
