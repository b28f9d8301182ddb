/// HMAC-SHA256 (RFC 2104), the message authentication code behind the handshake proofs and frame
/// tags.
///
/// Keying costs two SHA-256 blocks; a keyed value can be copied and reused for any number of
/// messages, which is how ``FrameAuthenticator`` avoids rekeying for every frame.
///
/// ```swift
/// let tag = HMACSHA256.authenticationCode(for: Array("message".utf8), key: key)
/// ConstantTime.equals(tag, receivedTag)       // compare tags only this way
/// ```
public struct HMACSHA256: Sendable {
    /// The tag length in bytes.
    public static let tagByteCount = SHA256.digestByteCount

    private var inner = SHA256()
    private var outer = SHA256()

    /// Keys a new computation. Keys longer than a block are hashed first, as RFC 2104 specifies.
    public init(key: some Collection<UInt8>) {
        var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: SHA256.blockByteCount - block.count)
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5C })
    }

    /// The tag of `message` under `key`.
    public static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var mac = HMACSHA256(key: key)
        mac.update(message)
        return mac.finalized()
    }

    /// Feeds more of the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        inner.update(bytes)
    }

    /// The tag of everything fed so far.
    public func finalized() -> [UInt8] {
        var outer = outer
        outer.update(inner.finalized())
        return outer.finalized()
    }
}
