import CSBKernels

/// SHA-256 (FIPS 180-4), for handshake transcripts, key derivation, HMAC and frame tags.
///
/// The package implements it rather than importing CryptoKit or swift-crypto so that SBWire has no
/// dependencies and runs unchanged wherever Swift does; it is checked against the FIPS 180-4
/// examples. Where the CPU has SHA instructions (x86-64 SHA extensions) they compress the blocks,
/// chosen at run time, since every byte of an authenticated frame is hashed on both sides; elsewhere
/// portable Swift does. Hashing is incremental:
///
/// ```swift
/// var hash = SHA256()
/// hash.update(Array("ab".utf8))
/// hash.update(Array("c".utf8))
/// let digest = hash.finalized()               // 32 bytes, ba7816bf…
/// ```
public struct SHA256: Sendable {
    /// The digest length in bytes.
    public static let digestByteCount = 32
    /// The block length in bytes, which HMAC needs.
    public static let blockByteCount = 64

    /// How blocks are compressed; the same choices as for CRC-32C.
    public typealias Implementation = CRC32C.Implementation

    /// Whether ``Implementation/automatic`` uses CPU instructions on this machine.
    public static let hasHardwareSupport = sb_sha256_hardware_available() != 0

    private var state: SIMD8<UInt32> = [
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
    ]
    /// Bytes not yet hashed because they do not fill a block.
    private var pending: [UInt8] = []
    /// Total message length so far, in bytes.
    private var length: UInt64 = 0
    private let usesHardware: Bool

    /// Creates the hash of the empty message.
    ///
    /// - Parameter implementation: ``Implementation/portable`` forces the Swift path, for tests
    ///   that check both against the same vectors.
    public init(implementation: Implementation = .automatic) {
        usesHardware = implementation == .automatic && Self.hasHardwareSupport
        pending.reserveCapacity(Self.blockByteCount)
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>, implementation: Implementation = .automatic) -> [UInt8] {
        var hash = SHA256(implementation: implementation)
        hash.update(bytes)
        return hash.finalized()
    }

    /// Feeds more bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let taken = min(Self.blockByteCount - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<taken])
            offset = taken
            guard pending.count == Self.blockByteCount else { return }
            pending.withUnsafeBytes { compress(blocks: $0) }
            pending.removeAll(keepingCapacity: true)
        }
        let wholeBlocks = (bytes.count - offset) / Self.blockByteCount * Self.blockByteCount
        if wholeBlocks > 0 {
            compress(blocks: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + wholeBlocks]))
            offset += wholeBlocks
        }
        pending.append(contentsOf: bytes[offset...])
    }

    /// Feeds more bytes into the hash.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// The digest of everything fed so far; the hash itself is unchanged and may be fed more.
    public func finalized() -> [UInt8] {
        var copy = self
        // Padding: a 1 bit, zeros up to 56 bytes mod 64, then the bit length big-endian.
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        let used = (pending.count + 1) % Self.blockByteCount
        padding += [UInt8](repeating: 0, count: (56 - used + Self.blockByteCount) % Self.blockByteCount)
        padding += (0..<8).map { UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * $0)) }
        copy.update(padding)
        var digest = [UInt8]()
        digest.reserveCapacity(Self.digestByteCount)
        for index in 0..<8 {
            let word = copy.state[index]
            digest += [
                UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                UInt8(truncatingIfNeeded: word),
            ]
        }
        return digest
    }

    /// Hashes whole 64-byte blocks into the state.
    private mutating func compress(blocks: UnsafeRawBufferPointer) {
        if usesHardware, let base = blocks.baseAddress {
            // SIMD8<UInt32> stores its eight lanes contiguously, A first, as the kernel expects.
            withUnsafeMutableBytes(of: &state) { words in
                sb_sha256_hardware_blocks(
                    words.baseAddress!.assumingMemoryBound(to: UInt32.self), base, blocks.count / Self.blockByteCount)
            }
            return
        }
        Self.roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                var offset = 0
                while offset < blocks.count {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * t, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                        let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var a = state[0], b = state[1], c = state[2], d = state[3]
                    var e = state[4], f = state[5], g = state[6], h = state[7]
                    for t in 0..<64 {
                        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
                        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                        h = g
                        g = f
                        f = e
                        e = d &+ t1
                        d = c
                        c = b
                        b = a
                        a = t1 &+ t2
                    }
                    state &+= SIMD8(a, b, c, d, e, f, g, h)
                    offset += Self.blockByteCount
                }
            }
        }
    }

    /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ]
}

@inline(__always)
private func rotr(_ value: UInt32, _ count: UInt32) -> UInt32 {
    (value >> count) | (value << (32 - count))
}
