/// HKDF with HMAC-SHA256 (RFC 5869): turns a namespace secret into independent keys.
///
/// Deriving a separate key for each purpose (handshake proofs, frame tags per direction,
/// discovery tags) means a value revealed for one purpose tells an attacker nothing about the
/// others, and the secret itself is never used as a key directly.
///
/// ```swift
/// let prk = HKDF.extract(salt: salt, inputKeyMaterial: secret)
/// let key = HKDF.expand(pseudoRandomKey: prk, info: Array("purpose".utf8), outputByteCount: 32)
/// ```
public enum HKDF {
    /// The largest output RFC 5869 allows with SHA-256 (255 blocks).
    public static let maxOutputByteCount = 255 * HMACSHA256.tagByteCount

    /// Concentrates `inputKeyMaterial` into a 32-byte pseudorandom key.
    public static func extract(salt: [UInt8], inputKeyMaterial: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(for: inputKeyMaterial, key: salt)
    }

    /// Stretches a pseudorandom key into `outputByteCount` bytes bound to `info`.
    ///
    /// - Precondition: `outputByteCount` is at most ``maxOutputByteCount``; the callers in this
    ///   module ask for fixed, small sizes.
    public static func expand(pseudoRandomKey: [UInt8], info: [UInt8], outputByteCount: Int) -> [UInt8] {
        precondition(
            (0...maxOutputByteCount).contains(outputByteCount),
            "HKDF-Expand can produce 0...\(maxOutputByteCount) bytes, not \(outputByteCount)")
        let keyed = HMACSHA256(key: pseudoRandomKey)
        var output: [UInt8] = []
        var previous: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < outputByteCount {
            var mac = keyed
            mac.update(previous)
            mac.update(info)
            mac.update([counter])
            previous = mac.finalized()
            output += previous
            counter &+= 1
        }
        return Array(output.prefix(outputByteCount))
    }
}
