import CSBKernels
import Testing

@Suite("Hardware SHA-256 kernel")
struct SHA256Tests {
    /// FIPS 180-4's initial hash value.
    private static let initialState: [UInt32] = [
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
    ]

    @Test("FIPS 180-4 examples", .enabled(if: sb_sha256_hardware_available() != 0, "no SHA instructions"))
    func vectors() {
        // "abc", padded to one block.
        var abc = Array("abc".utf8) + [0x80] + [UInt8](repeating: 0, count: 52)
        abc += [0, 0, 0, 0, 0, 0, 0, 24]
        #expect(
            digest(abc)
                == [
                    0xBA78_16BF, 0x8F01_CFEA, 0x4141_40DE, 0x5DAE_2223, 0xB003_61A3, 0x9617_7A9C, 0xB410_FF61,
                    0xF200_15AD,
                ])
        // "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" (448 bits), padded to two blocks.
        var two = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8) + [0x80]
        two += [UInt8](repeating: 0, count: 128 - 8 - two.count) + [0, 0, 0, 0, 0, 0, 0x01, 0xC0]
        #expect(
            digest(two)
                == [
                    0x248D_6A61, 0xD206_38B8, 0xE5C0_2693, 0x0C3E_6039, 0xA33C_E459, 0x64FF_2167, 0xF6EC_EDD4,
                    0x19DB_06C1,
                ])
    }

    private func digest(_ padded: [UInt8]) -> [UInt32] {
        var state = Self.initialState
        padded.withUnsafeBytes { bytes in
            state.withUnsafeMutableBufferPointer {
                sb_sha256_hardware_blocks($0.baseAddress, bytes.baseAddress, padded.count / 64)
            }
        }
        return state
    }
}
