import CSBKernels
import Testing

@Suite("Hardware CRC-32C kernels")
struct CRC32CTests {
    /// Every kernel this CPU can run.
    static let kernels = [SB_CRC32C_INSTRUCTION, SB_CRC32C_VPCLMUL_AVX512].filter {
        sb_crc32c_kernel_available($0) != 0
    }

    /// The standard check value, CRC-32C("123456789") = 0xE3069283, and 32 zero bytes (RFC 3720).
    @Test("Published vectors", arguments: kernels)
    func vectors(kernel: sb_crc32c_kernel) {
        #expect(crc(Array("123456789".utf8), kernel) == 0xE306_9283)
        #expect(crc([UInt8](repeating: 0, count: 32), kernel) == 0x8A91_36AA)
        #expect(crc([UInt8](repeating: 0xFF, count: 32), kernel) == 0x62A8_AB43)
        #expect(crc(Array(0..<32), kernel) == 0x46DD_794E)
        // Long enough for every kernel's widest path: 40,000 bytes of 0xFF, checked against a bitwise CRC.
        let long = [UInt8](repeating: 0xFF, count: 40_000)
        #expect(crc(long, kernel) == bitwise(long[...]))
    }

    /// Every length up to 1,100 bytes and a spread of longer ones, at every alignment within a cache line,
    /// checked against a bitwise CRC: covers each kernel's head, its folding loops and its tail.
    @Test("Random buffers of many lengths and alignments", arguments: kernels)
    func randomBuffers(kernel: sb_crc32c_kernel) {
        var generator = SplitMix64(seed: 0x5EED)
        let data = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let lengths = Array(0...1_100) + [2_047, 2_048, 4_095, 12_288, 12_289, 24_577, 65_536, 69_000]
        for length in lengths {
            for offset in length < 1_100 ? [0, 1, 7, 33, 63] : Array(0..<64) {
                let slice = data[offset..<offset + length]
                let reference = bitwise(slice)
                let actual = slice.withUnsafeBytes {
                    ~sb_crc32c_update_with(kernel, 0xFFFF_FFFF, $0.baseAddress, $0.count)
                }
                #expect(actual == reference, "length \(length), offset \(offset)")
                guard actual == reference else { return }
            }
        }
    }

    /// The kernels agree with each other and with the one `sb_crc32c_hardware_update` picks, also when a
    /// long buffer is fed in uneven pieces (the register carries across calls).
    @Test(
        "Kernels agree, also across calls", .enabled(if: sb_crc32c_hardware_available() != 0, "no CRC-32C instruction"))
    func kernelsAgree() {
        var generator = SplitMix64(seed: 42)
        let data = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let whole = data.withUnsafeBytes { sb_crc32c_hardware_update(0xFFFF_FFFF, $0.baseAddress, $0.count) }
        for kernel in Self.kernels {
            var register: UInt32 = 0xFFFF_FFFF
            var start = 0
            for piece in [1, 511, 512, 513, 4_097, 70_000, 100_003].cycled(until: data.count) {
                let end = min(start + piece, data.count)
                register = data[start..<end].withUnsafeBytes {
                    sb_crc32c_update_with(kernel, register, $0.baseAddress, $0.count)
                }
                start = end
            }
            #expect(register == whole, "kernel \(kernel.rawValue)")
        }
    }

    private func crc(_ bytes: [UInt8], _ kernel: sb_crc32c_kernel) -> UInt32 {
        ~bytes.withUnsafeBytes { sb_crc32c_update_with(kernel, 0xFFFF_FFFF, $0.baseAddress, $0.count) }
    }

    private func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }
}

/// A small deterministic generator, so that a failure names inputs that can be reproduced.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == Int {
    /// The elements repeated in order until their sum reaches `total`.
    fileprivate func cycled(until total: Int) -> [Int] {
        var pieces: [Int] = []
        var sum = 0
        while sum < total {
            let piece = self[pieces.count % count]
            pieces.append(piece)
            sum += piece
        }
        return pieces
    }
}
